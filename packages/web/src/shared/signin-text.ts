// What the sign-in screens say, in Chinese and English. What each sign-in refusal means to a player
// is in error-texts.ts with every other code.

export const SIGNIN_TEXT = {
  zh: {
    signInWechat: '微信登录',
    redirecting: '正在打开微信授权…',
    signingIn: '登录中…',
    declined: '你取消了微信授权。需要登录时再点「微信登录」。',
    continueTitle: '请在微信中打开',
    continueBody: '用微信「扫一扫」扫描下面的二维码，在微信里继续游戏；你的账号和进度都在微信登录的账号下。',
    continueScan: '微信扫一扫，在微信中继续',
    continueCopy: '或复制链接，在微信里发给自己后打开：',
    websiteLogin: '用微信扫码登录本网站',
    websiteHint: '电脑上也可以用手机微信扫码登录（网页版账号与小游戏账号在同一开放平台下会自动关联）。',
    unavailable: '本服务器还没有配置微信登录，请联系运营方。',
  },
  en: {
    signInWechat: 'Sign in with WeChat',
    redirecting: 'Opening WeChat authorisation…',
    signingIn: 'Signing in…',
    declined: 'You cancelled the WeChat authorisation. Tap “Sign in with WeChat” when you are ready.',
    continueTitle: 'Open this in WeChat',
    continueBody:
      'Scan the code below with WeChat (Scan) and carry on inside WeChat: your account and progress belong to the WeChat account you sign in with.',
    continueScan: 'Scan with WeChat to continue there',
    continueCopy: 'Or copy the link, send it to yourself in WeChat and open it:',
    websiteLogin: 'Sign in to this website by scanning with WeChat',
    websiteHint:
      'On a computer you can also sign in by scanning with WeChat on your phone (linked to your mini-game account when both belong to one Open Platform account).',
    unavailable: 'WeChat sign-in is not configured on this server; please contact the operator.',
  },
} as const;
