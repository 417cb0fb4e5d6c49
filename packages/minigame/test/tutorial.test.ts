// The first-hand tutorial in the mini-game, through the browser host against the real platform
// process and the weixin sandbox. At 375×667 in Chinese a new player opens it from the lobby,
// looks, calls and compares: each hand's ranking is named as it shows and marked on the ladder,
// on practice points only; once done the lobby offers it no more, also after a restart. At
// 320×568 in English one player folds their way through it, another skips it after looking.
// Every step fits the screen; scenes saved in test-results/.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_MINIGAME_APPID, type Sandbox, startSandbox } from '@fairground/wechatpay-sandbox';
import type { Browser, Page } from 'playwright-core';
import { buildClients, launchBrowser, type RunningPlatform, screenshot, startPlatform } from '../../server/test/browser/harness.ts';
import { Driver, type Snapshot } from './host/drive.ts';
import { type Host, startHost } from './host/serve.ts';

const SMALL = { viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' } as const;
const NARROW = { viewport: { width: 320, height: 568 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'en-US' } as const;

type Device = typeof SMALL | typeof NARROW;

interface TutorialState {
  readonly step: string;
  readonly points: number;
  readonly pot: number;
  readonly seen: readonly string[];
  readonly over: boolean;
}

const state = (s: Snapshot) => s.state as unknown as TutorialState;
const label = (s: Snapshot, id: string) => s.regions.find((r) => r.id === id)?.label ?? '';

/** Every region on the screen, and no button over the ladder at the foot. */
function assertFits(s: Snapshot, device: Device): void {
  const { width, height } = device.viewport;
  for (const r of s.regions) {
    assert.ok(r.x >= 0 && r.y >= 0 && r.x + r.w <= width + 0.5 && r.y + r.h <= height + 0.5, `${r.id} fits ${width}×${height}`);
  }
  const ladderTop = Math.min(...s.regions.filter((r) => r.id.startsWith('ladder-')).map((r) => r.y));
  for (const r of s.regions.filter((r) => r.id.startsWith('tutorial-') && !r.id.startsWith('tutorial-points'))) {
    assert.ok(r.y + r.h <= ladderTop, `${r.id} stays above the ladder (${r.y + r.h} ≤ ${ladderTop})`);
  }
}

describe('the first-hand tutorial in the mini-game', () => {
  let sandbox: Sandbox;
  let platform: RunningPlatform;
  let host: Host;
  let browser: Browser;

  before(async () => {
    buildClients();
    sandbox = await startSandbox({});
    const secret = sandbox.weixin.apps().find((a) => a.appid === SANDBOX_MINIGAME_APPID)?.secret as string;
    platform = await startPlatform({
      FAIRGROUND_IDENTITY_PROVIDER: 'wechat',
      FAIRGROUND_WECHAT_MP_APPID: SANDBOX_MINIGAME_APPID,
      FAIRGROUND_WECHAT_MP_SECRET: secret,
      FAIRGROUND_WECHAT_API_BASE_URL: sandbox.baseUrl,
    });
    host = await startHost(platform.url, { weixinSandboxUrl: sandbox.baseUrl });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await host?.close();
    await platform?.stop();
    await sandbox?.close();
  });

  async function newPlayer(device: Device, name: string): Promise<{ page: Page; d: Driver; close: () => Promise<void> }> {
    const context = await browser.newContext({ ...device });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${host.url}/host/?user=${name}&nick=${name}&appid=${SANDBOX_MINIGAME_APPID}`);
    await page.locator('body[data-game="loaded"]').waitFor();
    const d = await Driver.attach(page);
    await d.scene('start');
    await d.tap('agree');
    await d.tap('login');
    await d.scene('lobby');
    if (device.locale === 'en-US') {
      await d.tap('lang');
      await d.waitFor('English', (s) => label(s, 'open-tutorial').startsWith('Tutorial'));
    }
    return { page, d, close: () => context.close() };
  }

  const shot = (page: Page, name: string) => screenshot(page, `minigame-${page.viewportSize()?.width}-tutorial-${name}`);

  it('plays a guided hand on practice points, rankings named as they show, then is not offered again (zh, 375 px)', async () => {
    const { page, d, close } = await newPlayer(SMALL, 'mgtutorzh');
    const lobby = await d.waitFor('the offer', (s) => s.state.tutorialOffered === true && s);
    assert.equal(label(lobby, 'open-tutorial'), '新手教学：打一手练习牌');
    await d.tap('open-tutorial');

    let s = await d.scene('tutorial');
    assert.equal(state(s).step, 'deal');
    assert.equal(label(s, 'tutorial-points'), '练习积分 990（不涉及金钱）');
    assert.equal(label(s, 'tutorial-you'), '', 'dealt face down');
    assert.deepEqual(state(s).seen, []);
    assert.ok(
      s.regions.some((r) => r.id === 'tutorial-skip'),
      'skippable',
    );
    assertFits(s, SMALL);
    await shot(page, '1-deal');

    await d.tap('tutorial-look');
    s = await d.waitFor('looked', (x) => state(x).step === 'looked' && x);
    assert.equal(label(s, 'tutorial-you'), '9h,9d,Kc 对子');
    assert.match(label(s, 'tutorial-say'), /对子.*跟注/);
    assert.equal(label(s, 'ladder-pair'), '5. 对子 ✓');
    assert.equal(label(s, 'tutorial-bot-a'), '', 'the bots still face down');
    assert.ok(s.regions.some((r) => r.id === 'tutorial-skip'));
    assertFits(s, SMALL);
    await shot(page, '2-looked');

    await d.tap('tutorial-call');
    s = await d.waitFor('called', (x) => state(x).step === 'called' && x);
    assert.match(label(s, 'tutorial-say'), /机器人乙弃牌/);
    assert.ok(s.regions.some((r) => r.id === 'tutorial-skip'));
    assertFits(s, SMALL);

    await d.tap('tutorial-compare');
    s = await d.waitFor('shown', (x) => state(x).step === 'shown' && x);
    assert.equal(label(s, 'tutorial-points'), '练习积分 1040（不涉及金钱）');
    assert.match(label(s, 'tutorial-say'), /对子大过机器人甲的单张.*70/);
    assert.equal(label(s, 'tutorial-bot-a'), 'As,Jd,7c 单张');
    assert.equal(label(s, 'tutorial-bot-b'), '5s,8s,Qs 金花');
    assert.match(label(s, 'tutorial-reveal'), /金花/);
    assert.deepEqual([...state(s).seen].sort(), ['flush', 'high_card', 'pair']);
    assert.equal(label(s, 'ladder-flush'), '3. 金花 ✓');
    assert.equal(label(s, 'ladder-leopard'), '1. 豹子');
    assert.ok(!s.regions.some((r) => r.id === 'tutorial-skip'), 'only "done" is left');
    assertFits(s, SMALL);
    await shot(page, '3-shown');

    await d.tap('tutorial-finish');
    s = await d.waitFor('the lobby without the offer', (x) => x.scene === 'lobby' && x.state.tutorialOffered === false && x);
    assert.ok(!s.regions.some((r) => r.id === 'open-tutorial'));
    await shot(page, '4-lobby-after');

    // The game restarts: the remembered player enters with one tap, and the tutorial stays done.
    await page.reload();
    await page.locator('body[data-game="loaded"]').waitFor();
    const again = await Driver.attach(page);
    await again.waitFor('the session remembered', (x) => x.scene === 'start' && x.state.remembered === true);
    await again.tap('login');
    s = await again.waitFor('the lobby again', (x) => x.scene === 'lobby' && x.state.cards !== null && x);
    assert.equal(s.state.tutorialOffered, false);
    assert.ok(!s.regions.some((r) => r.id === 'open-tutorial'));
    await close();
  });

  it('folds through the hand, with the ranking of every hand shown (en, 320 px)', async () => {
    const { page, d, close } = await newPlayer(NARROW, 'mgtutoren');
    await d.tap('open-tutorial');
    let s = await d.scene('tutorial');
    assert.equal(label(s, 'tutorial-points'), 'Practice points 990 (no money)');
    assertFits(s, NARROW);
    await shot(page, 'en-1-deal');
    await d.tap('tutorial-look');
    s = await d.waitFor('looked', (x) => state(x).step === 'looked' && x);
    assert.equal(label(s, 'tutorial-say'), 'You hold a Pair. Bot A calls 20 points. Call, or fold?');
    assert.equal(label(s, 'tutorial-call'), 'Call 20');
    assertFits(s, NARROW);
    await shot(page, 'en-2-looked');
    await d.tap('tutorial-fold');
    s = await d.waitFor('folded', (x) => state(x).step === 'folded' && x);
    assert.equal(label(s, 'tutorial-points'), 'Practice points 990 (no money)');
    assert.match(label(s, 'tutorial-say'), /You folded; the pot of 50 points goes to Bot A/);
    assert.equal(label(s, 'tutorial-bot-b'), '5s,8s,Qs Flush');
    assert.equal(label(s, 'ladder-high_card'), '6. High card ✓');
    assertFits(s, NARROW);
    await shot(page, 'en-3-folded');
    await d.tap('tutorial-finish');
    await d.waitFor('the lobby without the offer', (x) => x.scene === 'lobby' && x.state.tutorialOffered === false && x);
    await close();
  });

  it('is skipped after a look and not offered again (en, 320 px)', async () => {
    const { page, d, close } = await newPlayer(NARROW, 'mgtutorskip');
    await shot(page, 'en-0-lobby-offer');
    await d.tap('open-tutorial');
    await d.scene('tutorial');
    await d.tap('tutorial-look');
    await d.waitFor('looked', (x) => state(x).step === 'looked' && x);
    await d.tap('tutorial-skip');
    const s = await d.waitFor('the lobby without the offer', (x) => x.scene === 'lobby' && x.state.tutorialOffered === false && x);
    assert.ok(!s.regions.some((r) => r.id === 'open-tutorial'));
    assert.equal(await d.read<boolean>("wx.getStorageSync('fg.tutorial.done')"), true);
    await close();
  });
});
