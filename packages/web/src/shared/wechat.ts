// Inside WeChat's in-app browser or not: payments use WeixinJSBridge there (see the deposit and
// withdrawal pages) and sharing goes through the JS-SDK; elsewhere the sandbox cashier pays and a
// link or QR code shares.
import { setWechatShare } from './jssdk.ts';

interface WxSdk {
  updateAppMessageShareData?(o: { title: string; desc: string; link: string; imgUrl: string; success?: () => void }): void;
  updateTimelineShareData?(o: { title: string; link: string; imgUrl: string; success?: () => void }): void;
}

/** True in WeChat's in-app browser by its user agent (the bridge may be injected later). */
export function isWechatBrowser(): boolean {
  return typeof navigator !== 'undefined' && /MicroMessenger/i.test(navigator.userAgent);
}

/** True in WeChat's browser (its user agent says MicroMessenger, and the bridge is injected). */
export function inWeChat(): boolean {
  return (
    typeof navigator !== 'undefined' &&
    /MicroMessenger/i.test(navigator.userAgent) &&
    typeof (globalThis as { WeixinJSBridge?: unknown }).WeixinJSBridge === 'object'
  );
}

/** The JS-SDK (`wx`), when the page loaded and configured it. */
function sdk(): WxSdk | null {
  const wx = (globalThis as { wx?: WxSdk }).wx;
  return wx && typeof wx.updateAppMessageShareData === 'function' ? wx : null;
}

export type ShareOutcome = 'wechat_menu' | 'system_sheet' | 'copied' | 'shown';

/**
 * Shares a link. In WeChat the JS-SDK sets what "send to chat" sends and the player opens the ···
 * menu; elsewhere the system share sheet if there is one, else the link is copied.
 */
export async function shareLink(o: { title: string; desc: string; url: string }): Promise<ShareOutcome> {
  // Inside WeChat the JS-SDK (configured with our signature) sets what the ··· menu shares.
  if (isWechatBrowser() && (await setWechatShare(o))) return 'wechat_menu';
  const wx = inWeChat() ? sdk() : null;
  if (wx) {
    const imgUrl = `${location.origin}/share.png`;
    wx.updateAppMessageShareData?.({ title: o.title, desc: o.desc, link: o.url, imgUrl });
    wx.updateTimelineShareData?.({ title: o.title, link: o.url, imgUrl });
    return 'wechat_menu';
  }
  const nav = navigator as Navigator & { share?: (d: { title: string; text: string; url: string }) => Promise<void> };
  if (typeof nav.share === 'function' && !inWeChat()) {
    try {
      await nav.share({ title: o.title, text: o.desc, url: o.url });
      return 'system_sheet';
    } catch {
      // Dismissed or not allowed: fall back to copying.
    }
  }
  try {
    await navigator.clipboard.writeText(o.url);
    return 'copied';
  } catch {
    return 'shown';
  }
}
