// The WeChat JS-SDK inside WeChat's browser: loaded from WeChat's own address, configured with the
// signature our server makes for this page (GET /api/wechat/jssdk-config), and then used to set
// what "send to chat" and "share to Moments" in the ··· menu share. Outside WeChat nothing loads.
import type { ApiClient } from './api.ts';
import { isWechatBrowser } from './wechat.ts';

/** WeChat serves the JS-SDK from here (its official address; the page's domain must be a JS-SDK domain in the console). */
export const JSSDK_URL = 'https://res.wx.qq.com/open/js/jweixin-1.6.0.js';
/** How long the script and wx.config may take before sharing falls back to the link. */
const READY_TIMEOUT_MS = 8000;

interface WxJsSdk {
  config(o: { debug: boolean; appId: string; timestamp: number; nonceStr: string; signature: string; jsApiList: string[] }): void;
  ready(fn: () => void): void;
  error(fn: (e: unknown) => void): void;
  updateAppMessageShareData(o: { title: string; desc: string; link: string; imgUrl: string }): void;
  updateTimelineShareData(o: { title: string; link: string; imgUrl: string }): void;
}

let api: ApiClient | null = null;
/** The page (without #fragment) the SDK was configured for, and whether that worked. */
let configured: { page: string; ready: Promise<WxJsSdk | null> } | null = null;

/** Called once the player is signed in (the signature route is for players). */
export function registerJsSdkClient(client: ApiClient): void {
  api = client;
}

function loadScript(): Promise<void> {
  if ((globalThis as { wx?: unknown }).wx !== undefined) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = JSSDK_URL;
    s.onload = () => resolve();
    s.onerror = () => reject(new Error('the WeChat JS-SDK did not load'));
    document.head.appendChild(s);
  });
}

/** The configured SDK for the current page, or null outside WeChat or when it could not be configured. */
export function jsSdk(): Promise<WxJsSdk | null> {
  if (!isWechatBrowser() || api === null) return Promise.resolve(null);
  // WeChat checks the signature against the page's URL without its #fragment; a new URL needs a new config.
  const page = location.href.split('#')[0] as string;
  if (configured?.page === page) return configured.ready;
  const client = api;
  const ready = (async () => {
    const [signature] = await Promise.all([client.call('GET /api/wechat/jssdk-config', { query: { url: page } }), loadScript()]);
    const wx = (globalThis as { wx?: WxJsSdk }).wx;
    if (wx === undefined) return null;
    return await new Promise<WxJsSdk | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), READY_TIMEOUT_MS);
      wx.ready(() => {
        clearTimeout(timer);
        resolve(wx);
      });
      wx.error(() => {
        clearTimeout(timer);
        resolve(null);
      });
      wx.config({ debug: false, ...signature, jsApiList: [...signature.jsApiList] });
    });
  })().catch(() => null);
  configured = { page, ready };
  return ready;
}

/** Sets what WeChat's ··· menu shares from this page (a room invitation). False when the SDK is not available. */
export async function setWechatShare(o: { title: string; desc: string; url: string }): Promise<boolean> {
  const wx = await jsSdk();
  if (wx === null) return false;
  const imgUrl = `${location.origin}/favicon.ico`;
  wx.updateAppMessageShareData({ title: o.title, desc: o.desc, link: o.url, imgUrl });
  wx.updateTimelineShareData({ title: o.title, link: o.url, imgUrl });
  return true;
}

/**
 * Once a player is signed in inside WeChat, the ··· menu of any page shares the site itself (a page
 * with a room to share sets the room instead, see SharePanel) rather than whatever address the
 * player happens to be on.
 */
export function shareSiteInWechat(o: { title: string; desc: string }): void {
  if (!isWechatBrowser()) return;
  void setWechatShare({ ...o, url: `${location.origin}/` });
}
