// What the sign-in screens say, in Chinese and English, and what each sign-in refusal means to a
// player. The server's codes are stable (errors.catalogue.json); the words here follow them.
import type { Lang } from './i18n.ts';

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
    tryAgain: '重新登录',
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
    tryAgain: 'Sign in again',
  },
} as const;

export type SigninKey = keyof (typeof SIGNIN_TEXT)['zh'];

/** A sign-in refusal, by its stable code, in the player's language; other codes keep the server's message. */
const REFUSALS: Record<string, { zh: string; en: string }> = {
  LOGIN_CODE_INVALID: {
    zh: '微信登录凭证无效或已过期，请重新登录。',
    en: 'The WeChat sign-in is invalid or expired. Please sign in again.',
  },
  LOGIN_CODE_USED: { zh: '这次微信登录已经用过了，请重新登录。', en: 'This WeChat sign-in was already used. Please sign in again.' },
  LOGIN_RATE_LIMITED: {
    zh: '微信暂时限制了这个账号的登录次数（一分钟内太多次），请一分钟后再试。',
    en: 'WeChat is limiting sign-ins for this account right now. Wait a minute and try again.',
  },
  LOGIN_BLOCKED_BY_WECHAT: {
    zh: '微信认为该账号存在风险，拒绝了本次登录。请在微信「我 › 设置 › 账号与安全」中检查账号状态。',
    en: 'WeChat refused this sign-in because it considers the account at risk. Check it in WeChat (Me › Settings › Account security).',
  },
  IDENTITY_PROVIDER_BUSY: { zh: '微信繁忙，请稍后重新登录。', en: 'WeChat is busy. Please sign in again in a moment.' },
  IDENTITY_PROVIDER_UNAVAILABLE: {
    zh: '微信登录暂时没有响应，请一分钟后再试。',
    en: 'WeChat sign-in is not answering. Please try again in a minute.',
  },
  IDENTITY_PROVIDER_MISCONFIGURED: {
    zh: '本服务器的微信登录配置有误，运营方已收到提醒，请稍后再试。',
    en: 'WeChat sign-in is not set up correctly here; the operator has been alerted. Please try again later.',
  },
  OAUTH_STATE_INVALID: {
    zh: '这次登录不是从本浏览器发起的，或已经用过、已过期。为了你的账号安全，请重新点「微信登录」。',
    en: 'This sign-in did not start in this browser, was already used or has expired. For your safety, tap “Sign in with WeChat” again.',
  },
  OAUTH_UNAVAILABLE: { zh: '本服务器没有配置这种微信登录方式。', en: 'This way of signing in with WeChat is not configured here.' },
  LOGIN_APP_UNKNOWN: { zh: '本服务器没有配置这个微信应用。', en: 'This WeChat app is not configured on this server.' },
  PLAYER_SUSPENDED: { zh: '该账号已被暂停使用，请联系客服。', en: 'This account is suspended. Please contact support.' },
};

export function refusalText(code: string, serverMessage: string, lang: Lang): string {
  return REFUSALS[code]?.[lang] ?? serverMessage;
}
