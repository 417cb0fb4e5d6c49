// The browser host of the mini-game: `wx.*` mapped onto browser APIs and the platform's WeChat
// sandbox, so the very `game.js` an operator uploads runs in Chromium. Before the game loads, the
// page loses what a mini-game does not have — `fetch`, `WebSocket`, `XMLHttpRequest`, storage,
// `eval`, `Function`, `TextEncoder`, `crypto`, `URL`, images and audio constructors — and the
// game's script sees `document`, `window`, `self`, `location` and `navigator` as undefined (those
// cannot be deleted from a page), so code that only works in a browser fails here as it would in
// WeChat. The adapter keeps its own references to what it needs.
//
// Page query: `user` (the sandbox WeChat user), `nick`, `q` (the launch query, as a share card
// carries it), `scene` (the launch scene, default 1007: a chat's share card).
export {};

const params = new URLSearchParams(location.search);
const user = params.get('user') ?? 'player';
const nickname = params.get('nick') ?? user;
const launchQuery: Record<string, string> = Object.fromEntries(new URLSearchParams(params.get('q') ?? ''));
const launchScene = Number(params.get('scene') ?? '1007');
const origin = location.origin;

// What the adapter keeps before the page loses it.
const native = {
  fetch: window.fetch.bind(window),
  WebSocket: window.WebSocket,
  storage: window.localStorage,
  document: window.document,
  Image: window.Image,
  Audio: window.Audio,
  crypto: window.crypto,
  performance: window.performance,
};

/**
 * The one place login codes come from. With `appid` in the page query the platform signs in
 * through code2session against the weixin sandbox (proxied at `/sandbox/` by the host's server):
 * the user becomes one of that sandbox's test players and gets a real `jscode`. Without it, the
 * platform's in-process sign-in sandbox hands codes out at `POST /api/sandbox/wechat/codes`.
 */
const weixinAppid = params.get('appid');
async function sandboxJson(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const r = await native.fetch(`${origin}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!r.ok) throw new Error(`sandbox answered ${r.status} to ${method} ${path}`);
  return (await r.json()) as Record<string, unknown>;
}
async function issueLoginCode(handle: string): Promise<string> {
  if (weixinAppid !== null) {
    await sandboxJson('POST', '/sandbox/weixin/players', { handle, nickname, apps: [weixinAppid] });
    return (await sandboxJson('POST', `/sandbox/weixin/players/${handle}/codes`, { appid: weixinAppid, kind: 'jscode' })).code as string;
  }
  const r = await native.fetch(`${origin}/api/sandbox/wechat/codes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'miniprogram', user: handle }),
  });
  if (!r.ok) throw new Error(`login:fail sandbox answered ${r.status}`);
  return ((await r.json()) as { code: string }).code;
}

/**
 * Virtual payment: the payment sheet is the weixin sandbox's. What the player does there comes
 * from the host (`host.payment`, default: pays, one push), so a test decides per purchase.
 * `midas=0` in the page query is a WeChat that cannot pay in games (older iOS).
 */
const midasSupported = params.get('midas') !== '0';
async function payAtSandbox(o: { signData: string; paySig: string; signature: string }): Promise<{ errCode: number; errMsg: string }> {
  if (weixinAppid === null) return { errCode: -1, errMsg: 'requestMidasPaymentGameItem:fail no weixin sandbox' };
  const player = await sandboxJson('GET', `/sandbox/weixin/players/${user}`);
  const openid = (player.apps as { appid: string; openid: string }[]).find((a) => a.appid === weixinAppid)?.openid;
  const answer = await sandboxJson('POST', '/sandbox/weixin/vpay/pay', { appid: weixinAppid, openid, ...o, ...host.payment });
  host.payments.push(answer);
  return answer as { errCode: number; errMsg: string };
}

type Cb<T = unknown> = ((res: T) => void) | undefined;
interface Callbacks<T> {
  success?: Cb<T>;
  fail?: Cb<{ errMsg: string }>;
  complete?: Cb<unknown>;
}
function done<T>(o: Callbacks<T>, res: T): void {
  o.success?.(res);
  o.complete?.(res);
}
function failed(o: Callbacks<unknown>, errMsg: string): void {
  const res = { errMsg };
  o.fail?.(res);
  o.complete?.(res);
}

/** What the tests and the bench read and drive: shares, files, spoken prompts, lifecycle. */
const host = {
  shares: [] as unknown[],
  /** How the next payment sheet acts: {outcome: 'paid'|'cancelled'|'failed', pushCopies?, dropPush?, forgedPush?}. */
  payment: { outcome: 'paid' } as Record<string, unknown>,
  /** What each payment sheet answered. */
  payments: [] as unknown[],
  /** wx.checkSession fails this many more times (a session WeChat has ended). */
  sessionFailures: 0,
  files: new Map<string, string>(),
  audio: [] as string[],
  errors: [] as string[],
  /** What the player "types" on the next wx.showKeyboard (confirmed at once); null: the keyboard stays up unanswered. */
  keyboardInput: null as string | null,
  keyboardListeners: [] as ((res: { value: string }) => void)[],
  keyboardShown: 0,
  /** What the player answers wx.requestSubscribeMessage for every template ('accept', 'reject', 'ban'); and the ids asked. */
  subscribeAnswer: 'accept' as string,
  subscribeAsked: [] as string[][],
  showListeners: [] as ((res: unknown) => void)[],
  hideListeners: [] as ((res: unknown) => void)[],
  hide(): void {
    for (const l of host.hideListeners) l({});
  },
  show(query: Record<string, string> = {}): void {
    for (const l of host.showListeners) l({ scene: launchScene, query, referrerInfo: {} });
  },
  shareQuery(): string | null {
    const last = host.shares.at(-1) as { query?: string } | undefined;
    return last?.query ?? null;
  },
  /**
   * WeChat's real-time voice as the game drives it: every wx.joinVoIPChat's arguments (the test
   * checks the signature with the weixin sandbox, as WeChat would), whether the player is in the
   * call, each mute change, exits; `speakers(openids)` fires wx.onVoIPChatSpeakersChanged and
   * `interrupt()` wx.onVoIPChatInterrupted.
   */
  voip: {
    joins: [] as { groupId: string; nonceStr: string; timeStamp: number; signature: string; muteConfig?: unknown }[],
    inCall: null as string | null,
    mutes: [] as unknown[],
    exits: 0,
    speakerListeners: [] as ((res: { openIdList: string[]; errCode: number; errMsg: string }) => void)[],
    interruptedListeners: [] as ((res: unknown) => void)[],
  },
  speakers(openIdList: string[]): void {
    for (const l of [...host.voip.speakerListeners]) l({ openIdList, errCode: 0, errMsg: 'onVoIPChatSpeakersChanged:ok' });
  },
  interrupt(): void {
    host.voip.inCall = null;
    for (const l of [...host.voip.interruptedListeners]) l({ errCode: 0, errMsg: 'interrupted' });
  },
};

// ---------------------------------------------------------------- canvas and touches

const screen = native.document.getElementById('screen') as HTMLCanvasElement;
screen.style.width = `${innerWidth}px`;
screen.style.height = `${innerHeight}px`;
let canvases = 0;
let tempFiles = 0;
function wrapCanvas(c: HTMLCanvasElement): HTMLCanvasElement {
  Object.assign(c, {
    toTempFilePathSync(o: { fileType?: string }) {
      const path = `wxfile://tmp_${++tempFiles}.${o.fileType === 'jpg' ? 'jpg' : 'png'}`;
      host.files.set(path, c.toDataURL(o.fileType === 'jpg' ? 'image/jpeg' : 'image/png'));
      return path;
    },
  });
  return c;
}
const touchListeners = { start: [] as Cb[], move: [] as Cb[], end: [] as Cb[], cancel: [] as Cb[] };
function touchEvent(kind: keyof typeof touchListeners, e: PointerEvent): void {
  const t = { identifier: e.pointerId, clientX: e.clientX, clientY: e.clientY, pageX: e.clientX, pageY: e.clientY, force: 1 };
  const res = { touches: kind === 'end' || kind === 'cancel' ? [] : [t], changedTouches: [t], timeStamp: e.timeStamp };
  for (const l of touchListeners[kind]) l?.(res);
}
screen.addEventListener('pointerdown', (e) => touchEvent('start', e));
screen.addEventListener('pointermove', (e) => {
  if (e.buttons !== 0) touchEvent('move', e);
});
screen.addEventListener('pointerup', (e) => touchEvent('end', e));
screen.addEventListener('pointercancel', (e) => touchEvent('cancel', e));

// ---------------------------------------------------------------- storage (kept across reloads, like WeChat's)

const STORAGE_PREFIX = 'wx:';
function getStorageSync(key: string): unknown {
  const raw = native.storage.getItem(STORAGE_PREFIX + key);
  // WeChat answers an empty string for a key it does not hold.
  return raw === null ? '' : JSON.parse(raw);
}

// ---------------------------------------------------------------- network

function absolute(url: string, schemes: RegExp): boolean {
  return schemes.test(url);
}

function request(
  o: Callbacks<unknown> & {
    url: string;
    method?: string;
    header?: Record<string, string>;
    data?: unknown;
    dataType?: string;
    timeout?: number;
  },
): void {
  // Like WeChat: an absolute URL, never relative to a page (a mini-game has none).
  if (!absolute(o.url, /^https?:\/\//)) {
    setTimeout(() => failed(o, `request:fail invalid url "${o.url}"`));
    return;
  }
  const method = (o.method ?? 'GET').toUpperCase();
  const body = method === 'GET' || o.data === undefined ? undefined : typeof o.data === 'string' ? o.data : JSON.stringify(o.data);
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), o.timeout ?? 60_000);
  native
    .fetch(o.url, { method, headers: o.header ?? {}, ...(body !== undefined ? { body } : {}), signal: ctl.signal })
    .then(async (r) => {
      const text = await r.text();
      let data: unknown = text;
      if ((o.dataType ?? 'json') === 'json') {
        try {
          data = JSON.parse(text);
        } catch {
          data = text;
        }
      }
      const header: Record<string, string> = {};
      r.headers.forEach((v, k) => {
        header[k] = v;
      });
      done(o, { statusCode: r.status, data, header, errMsg: 'request:ok' });
    })
    .catch((e: unknown) => failed(o, `request:fail ${String(e)}`))
    .finally(() => clearTimeout(timer));
}

function connectSocket(o: Callbacks<unknown> & { url: string; protocols?: string[] }) {
  const listeners = { open: [] as Cb[], message: [] as Cb[], close: [] as Cb[], error: [] as Cb[] };
  if (!absolute(o.url, /^wss?:\/\//)) throw new Error(`connectSocket:fail invalid url "${o.url}"`);
  const ws = new native.WebSocket(o.url, o.protocols);
  const emit = (list: Cb[], res: unknown) => {
    for (const l of list) l?.(res);
  };
  ws.onopen = () => emit(listeners.open, { header: {} });
  ws.onmessage = (e) => emit(listeners.message, { data: e.data });
  ws.onclose = (e) => emit(listeners.close, { code: e.code, reason: e.reason });
  ws.onerror = () => emit(listeners.error, { errMsg: 'connectSocket:fail' });
  setTimeout(() => done(o, { errMsg: 'connectSocket:ok' }));
  return {
    get readyState() {
      return ws.readyState;
    },
    send(s: Callbacks<unknown> & { data: string | ArrayBuffer }) {
      if (ws.readyState !== 1) {
        failed(s, 'sendSocketMessage:fail WebSocket is not connected');
        return;
      }
      ws.send(s.data);
      done(s, { errMsg: 'sendSocketMessage:ok' });
    },
    close(c: Callbacks<unknown> & { code?: number; reason?: string } = {}) {
      ws.close(c.code ?? 1000, c.reason);
      done(c, { errMsg: 'closeSocket:ok' });
    },
    onOpen(l: Cb) {
      listeners.open.push(l);
    },
    onMessage(l: Cb) {
      listeners.message.push(l);
    },
    onClose(l: Cb) {
      listeners.close.push(l);
    },
    onError(l: Cb) {
      listeners.error.push(l);
    },
  };
}

// ---------------------------------------------------------------- scripts (the package and its subpackages)

let scriptSeq = 0;
/** Runs a package script with the browser-only names shadowed, as the mini-game runtime would lack them. */
async function runScript(path: string): Promise<void> {
  const r = await native.fetch(`${origin}/minigame/${path}`);
  if (!r.ok) throw new Error(`${path}: ${r.status}`);
  const source = await r.text();
  const id = `__wxScriptDone${++scriptSeq}`;
  await new Promise<void>((resolve, reject) => {
    (window as unknown as Record<string, unknown>)[id] = (e: unknown) => (e === null ? resolve() : reject(e));
    const s = native.document.createElement('script');
    s.textContent =
      '(function(document,window,self,location,navigator,top,parent,frames,globalThis){try{' +
      source +
      `\n;GameGlobal.${id}(null)}catch(e){GameGlobal.${id}(e)}}).call(GameGlobal,undefined,undefined,undefined,undefined,undefined,undefined,undefined,undefined,GameGlobal);`;
    native.document.body.appendChild(s);
  });
}

// ---------------------------------------------------------------- wx

let userButtons = 0;
const wx = {
  getSystemInfoSync: () => ({
    windowWidth: innerWidth,
    windowHeight: innerHeight,
    screenWidth: innerWidth,
    screenHeight: innerHeight,
    pixelRatio: devicePixelRatio,
    platform: 'devtools',
    SDKVersion: '3.3.4',
    language: 'zh_CN',
  }),
  getPerformance: () => ({ now: () => native.performance.now() }),
  createCanvas(): HTMLCanvasElement {
    canvases++;
    return wrapCanvas(canvases === 1 ? screen : native.document.createElement('canvas'));
  },
  createImage(): HTMLImageElement {
    const img = new native.Image();
    const setSrc = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, 'src')?.set;
    Object.defineProperty(img, 'src', {
      set(v: string) {
        // The host loads nothing from outside this machine: a photo URL on WeChat's CDN fails like a dead link.
        if (/^(data:|blob:|wxfile:)/.test(v) || v.startsWith(origin)) setSrc?.call(img, host.files.get(v) ?? v);
        else setTimeout(() => img.onerror?.(new Event('error')));
      },
    });
    return img;
  },
  onTouchStart: (l: Cb) => touchListeners.start.push(l),
  onTouchMove: (l: Cb) => touchListeners.move.push(l),
  onTouchEnd: (l: Cb) => touchListeners.end.push(l),
  onTouchCancel: (l: Cb) => touchListeners.cancel.push(l),
  request,
  connectSocket,
  // The mini-game's keyboard (it has no input element): the test sets `__wxHost.keyboardInput`,
  // and the keyboard "confirms" it as a player pressing send would.
  showKeyboard(o: Callbacks<unknown> & { defaultValue?: string; maxLength?: number }) {
    host.keyboardShown += 1;
    done(o, { errMsg: 'showKeyboard:ok' });
    const value = host.keyboardInput;
    if (value === null) return;
    host.keyboardInput = null;
    setTimeout(() => {
      for (const l of [...host.keyboardListeners]) l({ value: value.slice(0, o.maxLength ?? 140) });
    });
  },
  // One-time subscription consent: the test decides the player's answer (`__wxHost.subscribeAnswer`).
  requestSubscribeMessage(o: Callbacks<unknown> & { tmplIds: string[] }) {
    if (!Array.isArray(o.tmplIds) || o.tmplIds.length === 0 || o.tmplIds.length > 3) {
      failed(o, 'requestSubscribeMessage:fail invalid tmplIds');
      return;
    }
    host.subscribeAsked.push([...o.tmplIds]);
    const res: Record<string, string> = { errMsg: 'requestSubscribeMessage:ok' };
    for (const id of o.tmplIds) res[id] = host.subscribeAnswer;
    setTimeout(() => done(o, res));
  },
  hideKeyboard(o: Callbacks<unknown>) {
    done(o, { errMsg: 'hideKeyboard:ok' });
  },
  onKeyboardConfirm: (l: (res: { value: string }) => void) => host.keyboardListeners.push(l),
  offKeyboardConfirm(l: (res: { value: string }) => void) {
    host.keyboardListeners = host.keyboardListeners.filter((x) => x !== l);
  },
  login(o: Callbacks<unknown>) {
    issueLoginCode(user).then(
      (code) => done(o, { code, errMsg: 'login:ok' }),
      (e: unknown) => failed(o, `login:fail ${String(e)}`),
    );
  },
  checkSession(o: Callbacks<unknown>) {
    if (host.sessionFailures > 0) {
      host.sessionFailures -= 1;
      failed(o, 'checkSession:fail session time out');
    } else done(o, { errMsg: 'checkSession:ok' });
  },
  checkIsSupportMidasPayment(o: Callbacks<unknown>) {
    done(o, { errMsg: 'checkIsSupportMidasPayment:ok', data: { allow_pay: midasSupported, err_code: 0, err_msg: 'success' } });
  },
  requestMidasPaymentGameItem(o: Callbacks<unknown> & { signData: string; paySig: string; signature: string }) {
    payAtSandbox({ signData: o.signData, paySig: o.paySig, signature: o.signature }).then(
      (a) => {
        if (a.errCode === 0) return done(o, { errMsg: a.errMsg });
        // The fail callback gets the sheet's errCode (-2: the player cancelled).
        o.fail?.(a);
        o.complete?.(a);
      },
      (e: unknown) => failed(o, `requestMidasPaymentGameItem:fail ${String(e)}`),
    );
  },
  joinVoIPChat(o: Callbacks<unknown> & { groupId: string; nonceStr: string; timeStamp: number; signature: string; muteConfig?: unknown }) {
    host.voip.joins.push({
      groupId: o.groupId,
      nonceStr: o.nonceStr,
      timeStamp: o.timeStamp,
      signature: o.signature,
      muteConfig: o.muteConfig,
    });
    if (host.voip.inCall !== null) {
      // WeChat's -1: already in a voice room.
      failed(o, 'joinVoIPChat:fail -1 already in room');
      return;
    }
    host.voip.inCall = o.groupId;
    setTimeout(() => done(o, { errMsg: 'joinVoIPChat:ok' }));
  },
  exitVoIPChat(o: Callbacks<unknown> = {}) {
    host.voip.exits += 1;
    host.voip.inCall = null;
    done(o, { errMsg: 'exitVoIPChat:ok' });
  },
  updateVoIPChatMuteConfig(o: Callbacks<unknown> & { muteConfig: unknown }) {
    host.voip.mutes.push(o.muteConfig);
    setTimeout(() => done(o, { errMsg: 'updateVoIPChatMuteConfig:ok' }));
  },
  onVoIPChatSpeakersChanged: (l: (res: { openIdList: string[]; errCode: number; errMsg: string }) => void) =>
    host.voip.speakerListeners.push(l),
  offVoIPChatSpeakersChanged(l: (res: { openIdList: string[]; errCode: number; errMsg: string }) => void) {
    host.voip.speakerListeners = host.voip.speakerListeners.filter((x) => x !== l);
  },
  onVoIPChatInterrupted: (l: (res: unknown) => void) => host.voip.interruptedListeners.push(l),
  getStorageSync,
  setStorageSync: (key: string, value: unknown) => native.storage.setItem(STORAGE_PREFIX + key, JSON.stringify(value)),
  removeStorageSync: (key: string) => native.storage.removeItem(STORAGE_PREFIX + key),
  getLaunchOptionsSync: () => ({ scene: launchScene, query: { ...launchQuery }, referrerInfo: {}, hostExtraData: {} }),
  onShow: (l: (res: unknown) => void) => host.showListeners.push(l),
  onHide: (l: (res: unknown) => void) => host.hideListeners.push(l),
  showShareMenu: (o: Callbacks<unknown> = {}) => done(o, { errMsg: 'showShareMenu:ok' }),
  onShareAppMessage: (_l: () => unknown) => {},
  shareAppMessage: (o: { title?: string; imageUrl?: string; query?: string }) => {
    host.shares.push({ title: o.title, query: o.query, imageUrl: o.imageUrl, image: o.imageUrl ? host.files.get(o.imageUrl) : undefined });
  },
  createUserInfoButton(o: { text?: string; style: Record<string, string | number> }) {
    const b = native.document.createElement('button');
    b.textContent = o.text ?? '';
    b.dataset.testid = `user-info-button-${++userButtons}`;
    b.className = 'wx-user-info-button';
    const st = o.style;
    Object.assign(b.style, {
      position: 'fixed',
      left: `${st.left}px`,
      top: `${st.top}px`,
      width: `${st.width}px`,
      height: `${st.height}px`,
      background: String(st.backgroundColor ?? '#07c160'),
      color: String(st.color ?? '#fff'),
      border: '0',
      borderRadius: `${st.borderRadius ?? 4}px`,
      fontSize: `${st.fontSize ?? 14}px`,
    });
    native.document.body.appendChild(b);
    const taps: Cb[] = [];
    b.addEventListener('click', () => {
      const userInfo = {
        nickName: nickname,
        avatarUrl: `https://thirdwx.qlogo.cn/mmopen/sandbox/${user}/132`,
        gender: 0,
        language: 'zh_CN',
      };
      for (const l of taps) l?.({ userInfo, rawData: JSON.stringify(userInfo), errMsg: 'getUserInfo:ok' });
    });
    return {
      onTap: (l: Cb) => taps.push(l),
      show() {
        b.style.display = '';
      },
      hide() {
        b.style.display = 'none';
      },
      destroy: () => b.remove(),
    };
  },
  createInnerAudioContext() {
    const a = new native.Audio();
    return {
      set src(v: string) {
        a.src = `${origin}/minigame/${v}`;
      },
      get src() {
        return a.src;
      },
      play() {
        host.audio.push(a.src);
        a.play().catch(() => {});
      },
      stop: () => a.pause(),
      destroy: () => a.pause(),
      onError: () => {},
    };
  },
  loadSubpackage(o: Callbacks<unknown> & { name: string }) {
    runScript(`${o.name}/game.js`).then(
      () => done(o, { errMsg: 'loadSubpackage:ok' }),
      (e: unknown) => failed(o, `loadSubpackage:fail ${String(e)}`),
    );
    return { onProgressUpdate: () => {} };
  },
  getUserCryptoManager: () => ({
    getRandomValues(o: Callbacks<unknown> & { length: number }) {
      const bytes = new Uint8Array(o.length);
      native.crypto.getRandomValues(bytes);
      setTimeout(() => done(o, { randomValues: bytes.buffer, errMsg: 'getRandomValues:ok' }));
    },
  }),
};

const g = window as unknown as Record<string, unknown>;
g.wx = wx;
g.GameGlobal = window;
g.__wxHost = host;
// The platform the game talks to is this page's origin (the host proxies /api to it).
g.fairgroundServer = origin;
addEventListener('error', (e) => host.errors.push(String(e.message)));
addEventListener('unhandledrejection', (e) => host.errors.push(String(e.reason)));
for (const name of [
  'fetch',
  'WebSocket',
  'XMLHttpRequest',
  'localStorage',
  'sessionStorage',
  'indexedDB',
  'eval',
  'Function',
  'TextEncoder',
  'TextDecoder',
  'crypto',
  'URL',
  'URLSearchParams',
  'Image',
  'Audio',
  'atob',
  'btoa',
  'performance',
]) {
  delete g[name];
  if (name in window) throw new Error(`the host could not remove ${name}`);
}
runScript('game.js').then(
  () => native.document.body.setAttribute('data-game', 'loaded'),
  (e: unknown) => {
    host.errors.push(String(e));
    native.document.body.setAttribute('data-game', 'failed');
  },
);
