// The mini-game in headless Chromium through the browser host (the built game.js with `wx` mapped
// to the browser and the weixin sandbox), against the real platform process (main.ts, SQLite,
// real clock). Sign-in runs as in production: wx.login gives a jscode from the weixin sandbox and
// the platform's code2session resolves it there. A host at 375×667 signs in with one tap, sets their WeChat name, creates a
// room in three steps and shares it; two friends (414×896, and 320×568 in English) open the shared card's
// query and land in their seats; they play the room's hands to the end — looks, calls, compares
// with their animation, the result panel after each hand — while one friend reloads mid-hand and
// another's game goes to the background and back; a raise is chosen among the legal sizes; a hand
// is verified on the device from its result panel; a long nickname never runs under the cards; the
// final scoreboard is shared as an image.
// Then the host plays the skill puzzle and verifies it. Every scene is saved in test-results/.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_MINIGAME_APPID, type Sandbox, startSandbox } from '@fairground/wechatpay-sandbox';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { base32Decode, base32Encode, totp } from '../../server/src/accounts/index.ts';
import {
  buildClients,
  launchBrowser,
  RESULTS_DIR,
  type RunningPlatform,
  screenshot,
  startPlatform,
} from '../../server/test/browser/harness.ts';
import { Driver, type Snapshot } from './host/drive.ts';
import { type Host, startHost } from './host/serve.ts';

const ADMIN = {
  username: 'mgadmin',
  password: 'minigame journey admin password',
  totpSecret: base32Encode(Buffer.from('minigame-journey-totp')),
};
const SMALL = { viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' } as const;
const LARGE = { viewport: { width: 414, height: 896 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' } as const;
/** Carol's phone: the narrowest, with the game switched to English. */
const NARROW = { viewport: { width: 320, height: 568 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'en-US' } as const;
/** Turns the journey may take at most (8 hands of a few actions each, with room to spare). */
const STEPS_MAX = 400;

interface Person {
  readonly name: string;
  /** The WeChat nickname the user-info button gives. */
  readonly nick: string;
  readonly context: BrowserContext;
  readonly page: Page;
  d: Driver;
}

async function adminToken(url: string): Promise<string> {
  const r = await fetch(`${url}/api/admin/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: ADMIN.username, password: ADMIN.password, totp: totp(base32Decode(ADMIN.totpSecret), Date.now()) }),
  });
  assert.equal(r.status, 200, await r.clone().text());
  return ((await r.json()) as { tokens: { accessToken: string } }).tokens.accessToken;
}

async function open(p: Person, hostUrl: string, query = ''): Promise<void> {
  await p.page.goto(
    `${hostUrl}/host/?user=${p.name}&nick=${encodeURIComponent(p.nick)}&appid=${SANDBOX_MINIGAME_APPID}${query === '' ? '' : `&q=${encodeURIComponent(query)}`}`,
  );
  await p.page.locator('body[data-game="loaded"]').waitFor();
  p.d = await Driver.attach(p.page);
}

async function shot(p: Person, name: string): Promise<void> {
  await screenshot(p.page, `minigame-${p.page.viewportSize()?.width}-${name}`);
}

const table = (s: Snapshot) =>
  s.state as {
    connection: string;
    roomStatus: string | null;
    mySeat: number | null;
    handNumber: number;
    handsPlayed: number;
    turnSeat: number | null;
    step: number | null;
    version: number;
    legal: { look: boolean } | null;
    myCards: string[] | null;
    anim: string | null;
    raising: boolean;
    verify: { handNumber: number; ok: boolean | null; notKept: boolean | null; error: string | null } | null;
    scores: { nickname: string; points: number }[];
  };

/**
 * Taps a button of the hand's result panel, unless the next hand starts first: the pause between
 * hands (10 s) starts it without the taps when a slow machine keeps the journey past it, and the
 * panel goes. True when it tapped.
 */
async function tapUnlessNextHand(p: Person, id: string): Promise<boolean> {
  const found = await p.d.waitFor(`${id} or the next hand`, (x) =>
    table(x).handNumber > 0 ? 'next-hand' : (x.regions.find((r) => r.id === id && r.enabled) ?? null),
  );
  if (found === 'next-hand') return false;
  await p.page.mouse.click(found.x + found.w / 2, found.y + found.h / 2);
  return true;
}

/** Carol's WeChat name: long enough to be shortened beside her cards. */
const LONG_NICK = '卡罗尔的微信名字真的非常长';

/** No seat's name runs under any seat's cards (the regions the table drew). */
function assertNamesClearOfCards(s: Snapshot, who: string): void {
  const names = s.regions.filter((r) => /^seat-\d+-name$/.test(r.id));
  const cards = s.regions.filter((r) => /^seat-\d+-cards$/.test(r.id));
  for (const n of names)
    for (const c of cards) {
      const apart = n.x + n.w <= c.x || c.x + c.w <= n.x || n.y + n.h <= c.y || c.y + c.h <= n.y;
      assert.ok(apart, `${who}: ${n.id} (${n.label}) overlaps ${c.id}`);
    }
}

/** Two regions share no pixel. */
const apart = (a: { x: number; y: number; w: number; h: number }, b: { x: number; y: number; w: number; h: number }) =>
  a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;

/**
 * Nothing the table writes runs into anything else it writes: names, cards, their categories,
 * chips and their amounts, the pot, the stake line; on the final scoreboard, its rows and its
 * buttons. A toast says words, never a raw error code.
 */
function assertLayoutClear(s: Snapshot, who: string): void {
  const parts = s.regions.filter((r) => /^(seat-\d+-(name|cards|category|chips)|pot|stake-line)$/.test(r.id));
  for (const [i, a] of parts.entries())
    for (const b of parts.slice(i + 1)) assert.ok(apart(a, b), `${who}: ${a.id} (${a.label}) overlaps ${b.id} (${b.label})`);
  const rows = s.regions.filter((r) => /^board-row-\d+$/.test(r.id));
  const buttons = s.regions.filter((r) => r.id === 'share-scoreboard' || r.id === 'back-lobby');
  for (const r of rows) for (const b of buttons) assert.ok(apart(r, b), `${who}: ${r.id} (${r.label}) runs under ${b.id}`);
  const toast = s.regions.find((r) => r.id === 'toast');
  if (toast !== undefined) assert.doesNotMatch(toast.label, /\b[A-Z][A-Z0-9]+_[A-Z0-9_]+\b/, `${who}: a toast shows a raw code`);
}

describe('the mini-game in the browser host', () => {
  let sandbox: Sandbox;
  let platform: RunningPlatform;
  let host: Host;
  let browser: Browser;
  const people: Person[] = [];
  let owner: Person;
  let bob: Person;
  let carol: Person;
  let shareQuery = '';

  before(async () => {
    buildClients();
    // Sign-in as in production: wx.login's code resolved by code2session at the weixin sandbox.
    sandbox = await startSandbox({});
    const secret = sandbox.weixin.apps().find((a) => a.appid === SANDBOX_MINIGAME_APPID)?.secret as string;
    platform = await startPlatform({
      FAIRGROUND_ADMIN_USERNAME: ADMIN.username,
      FAIRGROUND_ADMIN_PASSWORD: ADMIN.password,
      FAIRGROUND_ADMIN_TOTP_SECRET: ADMIN.totpSecret,
      FAIRGROUND_IDENTITY_PROVIDER: 'wechat',
      FAIRGROUND_WECHAT_MP_APPID: SANDBOX_MINIGAME_APPID,
      FAIRGROUND_WECHAT_MP_SECRET: secret,
      FAIRGROUND_WECHAT_API_BASE_URL: sandbox.baseUrl,
    });
    host = await startHost(platform.url, { weixinSandboxUrl: sandbox.baseUrl });
    browser = await launchBrowser();
    for (const [i, [name, device]] of (
      [
        ['mghost', SMALL],
        ['mgbob', LARGE],
        ['mgcarol', NARROW],
      ] as const
    ).entries()) {
      // Each phone is its own network address (X-Forwarded-For from loopback), so the same-IP rule lets them sit together.
      const context = await browser.newContext({ ...device, extraHTTPHeaders: { 'x-forwarded-for': `203.0.113.${i + 40}` } });
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      people.push({ name, nick: name === 'mgcarol' ? LONG_NICK : name, context, page, d: undefined as unknown as Driver });
    }
    [owner, bob, carol] = people as [Person, Person, Person];
  });

  after(async () => {
    await browser?.close();
    await host?.close();
    await platform?.stop();
    await sandbox?.close();
  });

  it('signs in with one tap after the health notice and the agreement, and takes the WeChat name', async () => {
    await open(owner, host.url);
    const start = await owner.d.scene('start');
    assert.ok(
      start.regions.some((r) => r.id === 'health-notice' && r.label.includes('抵制不良游戏')),
      'the 健康游戏忠告 is on the first screen',
    );
    await shot(owner, '01-start');
    await owner.d.tap('agreement');
    await owner.d.region('dialog-ok');
    await shot(owner, '02-agreement');
    await owner.d.tap('dialog-ok');
    // The next tap must not land on the dialog's backdrop before the frame without it is drawn.
    await owner.d.waitFor('the dialog closed', (s) => !s.regions.some((r) => r.id === 'modal-backdrop'));
    // Signing in without ticking the agreement is refused on the device.
    await owner.d.tap('login');
    await owner.d.region('toast');
    await owner.d.tap('agree');
    await owner.d.tap('login');
    const lobby = await owner.d.scene('lobby');
    assert.ok(!lobby.regions.some((r) => r.id === 'toast'), 'the "accept the agreement first" toast stays on the start screen');
    const logins = sandbox.weixin.calls()['GET /sns/jscode2session'] ?? 0;
    assert.ok(logins >= 1, 'the sign-in went through code2session at the weixin sandbox');
    assert.ok(
      !lobby.regions.some((r) => /¥|余额|充值|提现|deposit|withdraw/i.test(r.label)),
      'no cash balance, deposit or withdrawal in the mini-game',
    );
    await owner.page.locator('.wx-user-info-button').click();
    await owner.d.waitFor('the WeChat name', (s) => s.state.hasUserButton === false);
    await shot(owner, '03-lobby');
    // The host plays in elder mode: large type, and prompts read aloud.
    await owner.d.tap('toggle-elder');
    await shot(owner, '03b-lobby-elder-mode');
  });

  it('creates a room in three steps and shares it with its code in the query', async () => {
    const tokens = await owner.d.read<{ accessToken: string }>("wx.getStorageSync('fg.tokens')");
    const me = (await (await fetch(`${platform.url}/api/me`, { headers: { authorization: `Bearer ${tokens.accessToken}` } })).json()) as {
      id: string;
      nickname: string;
    };
    assert.equal(me.nickname, 'mghost', 'the nickname came from the user-info button');
    const r = await fetch(`${platform.url}/api/admin/players/${me.id}/adjustments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await adminToken(platform.url)}` },
      body: JSON.stringify({
        asset: 'ROOM_CARD',
        amountFen: 5,
        reason: 'minigame journey: room cards',
        idempotencyKey: `mg-cards-${me.id}`,
      }),
    });
    assert.equal(r.status, 201, await r.text());
    await owner.d.tap('create-room');
    await owner.d.scene('create');
    await shot(owner, '04-create-1');
    await owner.d.tap('create-next');
    const fee = await owner.d.region('fee-quote');
    assert.equal(fee.label, '3', 'the owner pays three room cards for three seats');
    await shot(owner, '05-create-2');
    await owner.d.tap('create-confirm');
    const code = (await owner.d.region('room-code')).label;
    assert.match(code, /^[0-9]{6}$/);
    await owner.d.tap('share-room');
    shareQuery = (await owner.d.read<string | null>('__wxHost.shareQuery()')) ?? '';
    assert.match(shareQuery, new RegExp(`^room=${code}&i=[A-Za-z0-9_-]+$`));
    await shot(owner, '06-create-3');
    await owner.d.tap('enter-room');
    await owner.d.waitFor('the table', (s) => s.scene === 'table' && table(s).connection === 'live');
    await shot(owner, '07-table-waiting');
  });

  it('two friends open the shared card and land in their seats after signing in', async () => {
    // Carol signed in earlier and gave the game her (long) WeChat name from the lobby.
    await open(carol, host.url);
    await carol.d.tap('lang');
    await carol.d.waitFor('English', (x) => x.regions.find((r) => r.id === 'login' && r.label === 'Sign in with WeChat') ?? null);
    await carol.d.tap('agree');
    await carol.d.tap('login');
    await carol.d.scene('lobby');
    await carol.page.locator('.wx-user-info-button').click();
    await carol.d.waitFor('the WeChat name', (s) => s.state.hasUserButton === false);
    for (const p of [bob, carol]) {
      await open(p, host.url, shareQuery);
      const start = await p.d.waitFor('the start screen', (x) => (x.scene === 'start' && x.state.resuming === false ? x : null));
      // A remembered player just enters; a new one accepts the agreement first.
      if (start.regions.some((r) => r.id === 'agree')) await p.d.tap('agree');
      await p.d.tap('login');
      await p.d.waitFor('a seat at the table', (s) => s.scene === 'table' && table(s).connection === 'live' && table(s).mySeat !== null);
    }
    const seats = await Promise.all(people.map(async (p) => table(await p.d.snapshot()).mySeat));
    assert.deepEqual([...seats].sort(), [0, 1, 2]);
    await shot(bob, '08-table-seated');
  });

  it('they play every hand to the end; a reload mid-hand and a trip to the background change nothing', async () => {
    for (const p of people) await p.d.tap('ready-button');
    let reloaded = false;
    let backgrounded = false;
    let compared = false;
    let resultShown = false;
    let looked = false;
    let carolLooked = false;
    let raised = false;
    let verified = false;
    for (let step = 0; step < STEPS_MAX; step++) {
      const snaps = await Promise.all(people.map((p) => p.d.snapshot()));
      if (snaps.every((s) => table(s).roomStatus === 'finished')) break;
      let acted = false;
      for (const p of people) {
        // Fresh for each player: the one before may just have moved the table on.
        const s = await p.d.snapshot();
        const t = table(s);
        const has = (id: string) => s.regions.some((r) => r.id === id && r.enabled);
        if (t.handNumber > 0) assertNamesClearOfCards(s, p.name);
        assertLayoutClear(s, p.name);
        if (has('result-continue')) {
          if (!resultShown) await shot(p, '11-hand-result');
          resultShown = true;
          if (!verified && p === owner && (await tapUnlessNextHand(p, 'result-verify'))) {
            // The hand checked on this phone with the rules package's own checks, against the
            // commitments this phone kept before the deal.
            const v = await p.d.waitFor('the verdict', (x) => {
              const vv = table(x).verify;
              return vv !== null && (vv.ok !== null || vv.error !== null) ? vv : null;
            });
            assert.equal(v.error, null);
            assert.equal(v.ok, true, 'the hand verifies');
            assert.equal(v.notKept, false, 'checked against the commitments this device kept');
            await shot(p, '11b-verify-hand');
            await p.d.tap('verify-close');
            verified = true;
          }
          await tapUnlessNextHand(p, 'result-continue');
          acted = true;
        } else if (
          t.roomStatus !== 'finished' &&
          t.handNumber === 0 &&
          has('ready-button') &&
          ['准备', 'Ready'].includes(s.regions.find((r) => r.id === 'ready-button')?.label ?? '')
        ) {
          // Tap only while the button still says "ready" between hands: the others' taps may just
          // have started the next hand (or the result panel's "continue" already said ready).
          const ready = await p.d
            .waitFor(
              'the ready button between hands',
              (x) =>
                table(x).handNumber === 0 &&
                table(x).roomStatus === 'playing' &&
                x.regions.find((r) => r.id === 'ready-button' && r.enabled && ['准备', 'Ready'].includes(r.label)),
              1_000,
            )
            .catch(() => null);
          if (ready !== null) await p.page.mouse.click(ready.x + ready.w / 2, ready.y + ready.h / 2);
          acted = true;
        } else if (t.turnSeat !== null && t.turnSeat === t.mySeat) {
          // Carol looks too: her category beside her cards at 320 px in English.
          if ((!looked || (p === carol && !carolLooked)) && t.legal?.look === true) {
            await p.d.tap('act-look');
            const seen = await p.d.waitFor('my cards', (x) => (table(x).myCards?.length === 3 ? x : null));
            assertLayoutClear(seen, p.name);
            await shot(p, '09-looked');
            looked = true;
            if (p === carol) carolLooked = true;
          }
          const before = t.version;
          const raise = s.regions.find((r) => r.id === 'act-raise');
          if (raise !== undefined) assert.doesNotMatch(raise.label, /\d/, 'the raise button names no stake beside the call');
          if (!raised && raise?.enabled === true && t.handNumber >= 2) {
            // Every legal raise is offered; the chosen one says the stake and what it costs.
            await p.d.tap('act-raise');
            const picker = await p.d.waitFor('the raise choices', (x) => (table(x).raising ? x : null));
            const buttons = picker.regions.filter((r) => /^raise-\d+$/.test(r.id));
            const stepper = picker.regions.some((r) => r.id === 'raise-more' && r.enabled);
            assert.ok(
              buttons.length >= 2 || stepper,
              `more than the smallest raise is offered: ${picker.regions.map((r) => r.id).join(' ')}`,
            );
            const lowest = (await p.d.region('raise-confirm')).label;
            const pick = buttons.at(-1);
            if (pick !== undefined) await p.d.tap(pick.id);
            else {
              await p.d.tap('raise-more');
              await p.d.waitFor('a higher stake', (x) => x.regions.find((r) => r.id === 'raise-confirm' && r.label !== lowest) ?? null);
            }
            const confirm = await p.d.region('raise-confirm');
            assert.match(confirm.label, /^(加注到 \d+（付 \d+）|Raise to \d+ \(pay \d+\))$/);
            await shot(p, '09b-raise');
            await p.d.tap('raise-confirm');
            await p.d.waitFor('the raise', (x) => table(x).version !== before);
            raised = true;
            acted = true;
            continue;
          }
          if (has('act-compare')) {
            await p.d.tap('act-compare');
            const target = await p.d.waitFor(
              'a comparison or a target',
              (x) => table(x).version !== before || x.regions.find((r) => r.id.startsWith('compare-target-')) || null,
            );
            if (typeof target === 'object') await p.d.tap(target.id);
            if (!compared) {
              const anim = await p.d.waitFor('the compare animation', (x) => (table(x).anim === 'compare' ? x : null)).catch(() => null);
              if (anim !== null) await shot(p, '10-compare');
              compared = anim !== null;
            }
          } else if (has('act-call')) await p.d.tap('act-call');
          else continue;
          await p.d.waitFor('the action', (x) => table(x).version !== before);
          acted = true;
          if (!reloaded && t.handNumber === 1) {
            // Mid-hand: Bob's game restarts and he is back at the same seat with his view of the same hand.
            const seatBefore = table(await bob.d.snapshot()).mySeat;
            await bob.page.reload();
            await bob.page.locator('body[data-game="loaded"]').waitFor();
            bob.d = await Driver.attach(bob.page);
            await bob.d.tap('login');
            const back = await bob.d.waitFor('the table again', (x) => (x.scene === 'table' && table(x).connection === 'live' ? x : null));
            assert.equal(table(back).mySeat, seatBefore, 'the same seat after a reload');
            await shot(bob, '12-after-reload');
            reloaded = true;
          } else if (!backgrounded && reloaded) {
            // Carol switches to a chat and back: the socket closes with onHide and comes back with onShow.
            await carol.d.read('__wxHost.hide()');
            await carol.d.waitFor('the banner', (x) => (x.regions.some((r) => r.id === 'reconnect-banner') ? true : null));
            await shot(carol, '13-background');
            await carol.d.read('__wxHost.show({})');
            await carol.d.waitFor('live again', (x) => table(x).connection === 'live');
            backgrounded = true;
          }
        }
      }
      if (!acted) await new Promise((r) => setTimeout(r, 150));
    }
    assert.ok(reloaded && backgrounded, 'a reload and a background trip happened mid-room');
    assert.ok(resultShown, 'a result panel followed a hand');
    assert.ok(raised, 'a raise was chosen among the legal sizes');
    assert.ok(verified, 'a hand was verified on the device');
    const spoken = await owner.d.read<string[]>('__wxHost.audio');
    assert.ok(
      spoken.some((a) => a.endsWith('/minigame/audio/turn-zh.wav')),
      `elder mode said "轮到你了": ${spoken.join(' ')}`,
    );
    const final = await owner.d.waitFor('the final scoreboard', (s) => s.regions.find((r) => r.id === 'final-scoreboard') ?? null);
    const total = final.label.split(',').reduce((n, e) => n + Number(e.split(':')[1]), 0);
    assert.equal(total, 0, 'the scores sum to zero');
    for (const p of people) assertLayoutClear(await p.d.snapshot(), p.name);
    await shot(owner, '14-final-scoreboard');
    await owner.d.tap('share-scoreboard');
    const image = await owner.d.read<string>('__wxHost.shares.at(-1).image');
    assert.match(image, /^data:image\/png;base64,/);
    writeFileSync(join(RESULTS_DIR, 'minigame-375-15-shared-scoreboard.png'), Buffer.from(image.split(',')[1] as string, 'base64'));
    await shot(bob, '14-final-scoreboard');
    await carol.d.waitFor('the final scoreboard', (s) => s.regions.find((r) => r.id === 'final-scoreboard') ?? null);
    await shot(carol, '14-final-scoreboard');
  });

  it('plays the skill puzzle from its subpackage and verifies the game against the server', async () => {
    const d = owner.d;
    await d.tap('back-lobby');
    await d.scene('lobby');
    await d.tap('open-rules');
    await d.scene('rules');
    await shot(owner, '16-rules');
    await d.tap('back');
    await d.tap('toggle-elder');
    await shot(owner, '17-lobby-after-a-room');
    await d.tap('open-puzzle');
    await d.waitFor('a puzzle session', (s) => (s.scene === 'puzzle' && s.state.sessionId !== null ? true : null));
    await shot(owner, '18-puzzle');
    for (let move = 0; move < 3; move++) {
      const s = await d.waitFor('a settled board', (x) => (x.state.waiting === false ? x : null));
      const st = s.state as {
        legalMoves: [number, number][];
        board: { x: number; y: number; cell: number };
        width: number;
        movesMade: number;
        sent: number;
      };
      const [from, to] = st.legalMoves[0] as [number, number];
      const at = (i: number) =>
        [st.board.x + ((i % st.width) + 0.5) * st.board.cell, st.board.y + (Math.floor(i / st.width) + 0.5) * st.board.cell] as const;
      const [x0, y0] = at(from);
      const [x1, y1] = at(to);
      await d.swipe(x0, y0, x1, y1);
      await d.waitFor('the move acknowledged', (x) => ((x.state as { sent: number }).sent > st.sent ? true : null));
    }
    await d.tap('puzzle-finish');
    const score = await d.region('server-score');
    const local = (await d.snapshot()).state.score;
    assert.equal(Number(score.label), local, "the server's score is the one the board showed");
    await d.tap('puzzle-verify');
    const verdict = await d.region('verification');
    assert.equal(verdict.label, 'match');
    await shot(owner, '19-puzzle-verified');
    assert.deepEqual(await d.read('__wxHost.errors'), []);
  });
});
