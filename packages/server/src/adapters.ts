// The adapters a started server binds to the platform's outside ports, chosen from configuration.
// Only main.ts uses this: it is where stand-ins enter a running server, and main.ts refuses the
// ones a production start was not told to accept (bindings.ts).
import { hkdfSync } from 'node:crypto';
import type { Clock } from '@fairground/core';
import { type PlatformAdapters, real, standIn } from './bindings.ts';
import type { Config } from './config.ts';
import { nppaPlayReporter, nppaRealNameAuthority } from './nppa/adapter.ts';
import type { NotarySetup } from './notary/setup.ts';
import type { NppaSetup } from './nppa/setup.ts';
import type { PaymentProvider } from './payments/index.ts';
import { createSandboxFaceCheck, standInAdapters } from './standins/index.ts';
import type { Store } from './storage/ports.ts';
import { createSealer } from './accounts/sealing.ts';
import { createWechatClients, type OperatorFault, type WechatClients, wechatSignIn } from './wechat/adapter.ts';
import type { VpayConfig } from './wechat/config.ts';
import { wechatContentCheck } from './wechat/content-check.ts';
import { wechatSubscribeSender } from './wechat/subscribe.ts';
import { StoreTokenCache } from './wechat/token-cache.ts';
import { type VirtualPaymentPort, VpayRefundFailure } from './vpay/ports.ts';
import { weixinErrcode } from '@fairground/wechatpay';
import { VPAY_ORDER_NOT_EXIST } from '@fairground/wechatpay/vpay';

export interface ChosenPayments {
  readonly provider: PaymentProvider | null;
  /** The in-process WeChat Pay sandbox's address, when the provider talks to one. */
  readonly sandboxUrl: string | undefined;
}

export interface AdapterContext {
  /** The platform's database: WeChat's access tokens and tickets are kept there, shared by every node. */
  readonly store: Store;
  /** Told of WeChat refusals only the operator can fix (wrong appid or secret, a server address WeChat does not allow). */
  readonly onWechatOperatorFault: (fault: OperatorFault) => void;
}

export function chooseAdapters(
  config: Config,
  clock: Clock,
  payments: ChosenPayments,
  nppa: NppaSetup,
  notary: NotarySetup,
  context: AdapterContext,
): PlatformAdapters {
  // The real-name check and play reporting go to the NPPA — in development to its sandbox peer on
  // a loopback port of this process, which imitates the authority and is reported as a stand-in.
  const client = nppa.client;
  const nppaName = nppa.sandboxUrl !== undefined ? `NPPA client → in-process NPPA sandbox at ${nppa.sandboxUrl}` : null;
  const bind = <T>(what: string, impl: T) =>
    nppaName !== null ? standIn(`${nppaName} (${what})`, impl) : real(`NPPA ${what} (${nppaHosts(config)})`, impl);
  const realName: Pick<PlatformAdapters, 'realNameCheck' | 'playReporting'> = {
    realNameCheck: client === null ? null : bind('identity check and query', nppaRealNameAuthority(client)),
    playReporting: client === null ? null : bind('login/logout reports', nppaPlayReporter(client, clock)),
  };
  // The notary time-stamps through the RFC 3161 client — in development against a local TSA on a
  // loopback port of this process, whose sandbox CA nobody else trusts: reported as a stand-in.
  const notaryBound =
    notary.sandboxUrl !== undefined
      ? standIn(`RFC 3161 client → in-process local TSA at ${notary.sandboxUrl} (sandbox CA)`, notary.authority)
      : real(`RFC 3161 time-stamping authority at ${notary.authority.url}`, notary.authority);
  // Sign-in is WeChat's (its sandbox outside production).
  const standIns = standInAdapters({
    clock,
    appIds: config.wechatAppIds,
    signInSeed: `sandbox-openids:${config.sessionSecret}`,
    // Every node derives the same ticket key, so a ticket issued by one node passes on the room's node.
    faceCheck:
      config.faceCheck === 'sandbox'
        ? createSandboxFaceCheck({
            clock,
            secret: new Uint8Array(hkdfSync('sha256', config.dataKey, new Uint8Array(0), 'face-check-sandbox', 32)),
          })
        : null,
    payments:
      payments.provider === null
        ? null
        : payments.sandboxUrl !== undefined
          ? standIn(`WeChat Pay v3 client → in-process sandbox at ${payments.sandboxUrl}`, payments.provider)
          : real(`WeChat Pay v3 (${config.payments.merchant?.baseUrl ?? 'api.mch.weixin.qq.com'})`, payments.provider),
  });
  return {
    ...standIns,
    ...realName,
    notary: notaryBound,
    ...(config.identityProvider === 'wechat' ? { signIn: wechatSignInAdapter(config, clock, context) } : {}),
  };
}

/** The sign-in port bound to WeChat: its apps' clients sharing one token cache in the database. */
export function wechatSignInAdapter(
  config: Pick<Config, 'wechat' | 'dataKey'>,
  clock: Clock,
  context: AdapterContext,
): PlatformAdapters['signIn'] {
  const w = config.wechat;
  const tokenCache = new StoreTokenCache({ store: context.store, sealer: createSealer(config.dataKey, 'wechat-credentials'), clock });
  const clients = createWechatClients(w, { tokenCache, clock });
  const signIn = wechatSignIn({
    clients,
    h5Scope: w.h5Scope,
    phone: w.phone,
    onOperatorFault: context.onWechatOperatorFault,
  });
  const apps = Object.entries(w.apps)
    .filter(([, app]) => app !== null)
    .map(([kind, app]) => `${kind} ${app?.appid}`)
    .join(', ');
  const mp = clients.miniprogram;
  const vpay = wechatVirtualPayments(mp, w.vpay ?? null);
  const contentCheck = mp === null ? null : wechatContentCheck(mp);
  const subscribeSender = mp === null ? null : wechatSubscribeSender(mp);
  return {
    ...real(`WeChat (${w.apiBaseUrl ?? 'api.weixin.qq.com'}; ${apps})`, signIn),
    codes: null,
    web: signIn.web,
    vpay,
    contentCheck,
    subscribeSender,
  };
}

/** WeChat's virtual payment for room cards in the mini-game: null without its configuration or a mini-game app. */
function wechatVirtualPayments(mp: WechatClients['miniprogram'], vpayConfig: VpayConfig | null): VirtualPaymentPort | null {
  return vpayConfig === null || mp === null
    ? null
    : {
        appid: mp.appid,
        config: vpayConfig,
        queryOrder: (q) =>
          mp.vpayQueryOrder(vpayConfig.appKey, { openid: q.openid, env: vpayConfig.env, outTradeNo: q.outTradeNo }).catch((e: unknown) => {
            // WeChat has no such order: the player never paid (cancelled, failed, closed the sheet).
            if (weixinErrcode(e) === VPAY_ORDER_NOT_EXIST)
              return { outTradeNo: q.outTradeNo, status: 0, paid: false, quantity: null, orderFee: null };
            throw e;
          }),
        refundOrder: (r) =>
          mp
            .vpayRefundOrder(vpayConfig.appKey, {
              openid: r.openid,
              env: vpayConfig.env,
              outTradeNo: r.outTradeNo,
              refundNo: r.refundNo,
              leftFeeFen: r.amountFen,
              refundFeeFen: r.amountFen,
              bizMeta: r.reason,
            })
            .then(
              (x) => ({ wxRefundId: x.wxRefundId }),
              (e: unknown) => {
                // An errcode is WeChat's answer (no refund), except -1 "system error", which like a
                // timeout may have reached it: the same refund number is asked again later.
                const errcode = weixinErrcode(e);
                throw new VpayRefundFailure(
                  errcode === undefined || errcode === -1 ? 'unclear' : 'refused',
                  String(errcode ?? (e as Error).message).slice(0, 120),
                );
              },
            ),
        downloadBill: (day) => mp.vpayDownloadBill(vpayConfig.appKey, day),
      };
}

function nppaHosts(config: Config): string {
  const u = config.nppa.baseUrls;
  const hosts = new Set([u.check ?? 'api.wlc.nppa.gov.cn', u.query ?? 'api2.wlc.nppa.gov.cn', u.loginout ?? 'api2.wlc.nppa.gov.cn']);
  return [...hosts].join(', ');
}
