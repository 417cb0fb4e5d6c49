// Buying room cards in the mini-game: WeChat's virtual payment (虚拟支付 2.0), the only way a
// mini-game may sell (research wechatpay.md §0.1, §2.6). The server signs; the session_key it
// signs the user state with never reaches the game, so the game checks that WeChat still holds
// the session it signed in with (wx.checkSession) and signs in again when not, before each payment.
// The cards arrive with WeChat's delivery push to the server; the game then asks the server for the
// order, which asks WeChat when the push is late (a timeout changes nothing twice: both paths
// credit by the same order number).
import type { App } from './app.ts';
import type { RoomCards } from './wire.ts';

export type PurchaseOutcome = 'bought' | 'cancelled' | 'failed' | 'unsupported' | 'pending';

interface Prepared {
  outTradeNo: string;
  signData: string;
  paySig: string;
  signature: string;
}

/** wx.requestMidasPaymentGameItem's "the player closed the sheet" (our reading of the API page). */
const CANCELLED = -2;

function supported(): Promise<boolean> {
  // Without the API at all, iOS cannot pay in games (the API page says so).
  if (typeof wx.checkIsSupportMidasPayment !== 'function') return Promise.resolve(false);
  return new Promise((resolve) =>
    wx.checkIsSupportMidasPayment({
      success: (r) => resolve((r as { data?: { allow_pay?: boolean } }).data?.allow_pay === true),
      fail: () => resolve(false),
    }),
  );
}

function sessionAlive(): Promise<boolean> {
  return new Promise((resolve) => wx.checkSession({ success: () => resolve(true), fail: () => resolve(false) }));
}

function pay(p: Prepared): Promise<{ ok: true } | { ok: false; errCode: number; errMsg: string }> {
  return new Promise((resolve) =>
    wx.requestMidasPaymentGameItem({
      // The exact string the server signed (the typings call it an object; the page passes a string).
      signData: p.signData as unknown as WechatMinigame.SignData1,
      paySig: p.paySig,
      signature: p.signature,
      success: () => resolve({ ok: true }),
      fail: (e) => {
        const r = e as { errCode?: number; errMsg?: string };
        resolve({ ok: false, errCode: r.errCode ?? -1, errMsg: r.errMsg ?? '' });
      },
    }),
  );
}

export async function buyRoomCards(app: App, quantity: number): Promise<PurchaseOutcome> {
  if (!(await supported())) {
    app.alert(app.t('buyCards'), app.t('payUnsupported'));
    return 'unsupported';
  }
  if (!(await sessionAlive())) await app.signIn();
  const p = await app.api.call<Prepared>('POST', '/api/vpay/room-cards', { quantity });
  const r = await pay(p);
  if (!r.ok) {
    if (r.errCode === CANCELLED) {
      app.toast(app.t('payCancelled'));
      return 'cancelled';
    }
    app.alert(app.t('buyCards'), app.t('payFailed'));
    return 'failed';
  }
  const order = await app.api.call<{ status: string }>('POST', `/api/vpay/orders/${p.outTradeNo}/check`);
  if (order.status !== 'delivered') {
    app.toast(app.t('payPending'));
    return 'pending';
  }
  app.toast(app.t('payDone', { cards: quantity }));
  return 'bought';
}

export type { RoomCards };
