// Table voice in headless Chromium against the real platform and a real coturn: two players (a
// 320-px phone in Chinese, a 375-px phone in English, each with Chromium's fake microphone) sit at
// a room with voice on, join the call, and talk over WebRTC whose every connection is relay-only
// (`iceTransportPolicy: 'relay'`), so the audio provably crosses the TURN server the test started
// (its log shows both players' allocations and the relayed bytes). Each side's track arrives and
// its level, read by the page's WebAudio analyser, moves; a player muted on one device shows no
// level there; when the owner kicks the other player, the kicked player's track on the owner's
// device ends at once and the kicked player's page says his voice ended. Screenshots at 320 and
// 375 px in both languages. No page logs an error.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { base32Encode } from '../../src/accounts/index.ts';
import { buildClients, launchBrowser, type RunningPlatform, screenshot, startPlatform } from './harness.ts';
import { operatorTokens, type Person, signedInPerson, tableOfTwo } from './table-pair.ts';
import { type RunningTurn, startTurn } from './turn.ts';

const ADMIN = {
  username: 'voiceadmin',
  password: 'voice journey admin password',
  totpSecret: base32Encode(Buffer.from('voice-journey-totp!!')),
};
/** Chromium's fake microphone (a beep every second) and no permission prompt; remote audio may play before a gesture. */
const MEDIA_ARGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--autoplay-policy=no-user-gesture-required'];
/** How long the test listens at most for a level to move (a loaded machine starves the fake microphone). */
const LISTEN_MS = 20_000;
/** A level the meter shows as a visible step (the page's LEVEL_STEP). */
const LEVEL_VISIBLE_MIN = 4;

/** The levels a voice-peer row shows, sampled every 100 ms until they have moved (a visible level and back) or `ms` passed. */
async function levels(page: Page, seat: number, ms: number): Promise<number[]> {
  const out: number[] = [];
  for (let waited = 0; waited < ms; waited += 100) {
    const v = await page.getByTestId(`voice-peer-${seat}`).getAttribute('data-level');
    out.push(Number(v ?? 0));
    if (out.length >= 20 && Math.max(...out) >= LEVEL_VISIBLE_MIN && new Set(out).size >= 3) break;
    await page.waitForTimeout(100);
  }
  return out;
}

describe('voice at the table', () => {
  let turn: RunningTurn;
  let platform: RunningPlatform;
  let browser: Browser;
  let alice: Person;
  let bob: Person;
  let opTokens: Record<string, unknown>;
  let bobSeat = -1;
  let aliceSeat = -1;

  before(async () => {
    buildClients();
    turn = await startTurn();
    platform = await startPlatform({
      FAIRGROUND_ADMIN_USERNAME: ADMIN.username,
      FAIRGROUND_ADMIN_PASSWORD: ADMIN.password,
      FAIRGROUND_ADMIN_TOTP_SECRET: ADMIN.totpSecret,
      FAIRGROUND_TURN_SECRET: turn.secret,
      FAIRGROUND_TURN_URLS: turn.url,
    });
    browser = await launchBrowser(MEDIA_ARGS);
    opTokens = await operatorTokens(platform, ADMIN);
    const make = (name: string, width: number, lang: 'zh' | 'en', ip: string): Promise<Person> =>
      signedInPerson(browser, platform, { name, width, lang, ip, permissions: ['microphone'] });
    alice = await make('voicealice', 320, 'zh', '203.0.113.61');
    bob = await make('voicebob', 375, 'en', '203.0.113.62');
  });

  after(async () => {
    await browser?.close();
    await platform?.stop();
    await turn?.stop();
  });

  it('two seated players join the call and hear each other through the TURN server: each track arrives and its level moves', async () => {
    await tableOfTwo(platform, String(opTokens.accessToken), alice, bob, { journey: 'voice', params: { voiceChat: true } });
    const seatOf = async (viewer: Person, player: Person) =>
      Number(
        ((await viewer.page.locator(`[data-testid^="seat-"][data-player="${player.id}"]`).getAttribute('data-testid')) ?? '').slice(5),
      );
    aliceSeat = await seatOf(alice, alice);
    bobSeat = await seatOf(alice, bob);
    await screenshot(alice.page, 'voice-1-bar-320-zh');

    for (const p of [alice, bob]) {
      await p.page.getByTestId('voice-join').click();
      await p.page.locator('[data-testid="voice-bar"][data-status="on"]').waitFor();
      // Open mic: the fake microphone's beep goes out all the time (push-to-talk sends silence until held).
      await p.page.getByTestId('voice-mode-open').click();
    }
    await alice.page.locator(`[data-testid="voice-peer-${bobSeat}"][data-connected="true"]`).waitFor();
    await bob.page.locator(`[data-testid="voice-peer-${aliceSeat}"][data-connected="true"]`).waitFor();

    // Each side's track arrives and its level moves (the fake microphone beeps, then is quiet).
    for (const [listener, seat] of [
      [alice, bobSeat],
      [bob, aliceSeat],
    ] as const) {
      const heard = await levels(listener.page, seat, LISTEN_MS);
      assert.ok(Math.max(...heard) >= LEVEL_VISIBLE_MIN, `${listener.name} heard levels ${heard.join(',')}`);
      assert.ok(new Set(heard).size >= 3, `${listener.name}'s level moves: ${heard.join(',')}`);
      const track = await listener.page.evaluate(
        (s) => (document.querySelector(`audio[data-voice-seat="${s}"]`) as HTMLAudioElement | null)?.srcObject instanceof MediaStream,
        seat,
      );
      assert.equal(track, true);
    }
    // The seat at the table shows the speaker mark from the same levels.
    await alice.page.locator(`[data-testid="seat-${bobSeat}"][data-in-voice="true"]`).waitFor();
    await alice.page.locator(`[data-testid="seat-${bobSeat}"][data-speaking="true"]`).waitFor();

    // The audio crossed the TURN server: both players allocated there and it relayed their bytes.
    const log = turn.logs.join('\n');
    assert.match(log, /ALLOCATE processed, success/);
    assert.ok((log.match(/ALLOCATE processed, success/g) ?? []).length >= 2, 'both players allocated a relay');
    assert.match(log, /CHANNEL_BIND processed, success|CREATE_PERMISSION processed, success/);

    await screenshot(alice.page, 'voice-2-call-320-zh');
    await screenshot(bob.page, 'voice-2-call-375-en');
  });

  it('a player muted on one device shows no level there; push-to-talk sends only while held', async () => {
    await alice.page.getByTestId(`voice-mute-${bobSeat}`).click();
    await alice.page.locator(`[data-testid="voice-peer-${bobSeat}"][data-muted="true"]`).waitFor();
    const muted = await alice.page.getByTestId(`voice-peer-${bobSeat}-level`).getAttribute('data-level');
    assert.equal(muted, '0');
    await alice.page.getByTestId(`voice-mute-${bobSeat}`).click();
    await alice.page.locator(`[data-testid="voice-peer-${bobSeat}"][data-muted="false"]`).waitFor();
    await bob.page.getByTestId('voice-mode-ptt').click();
    await bob.page.locator('[data-testid="voice-ptt"][data-talking="false"]').waitFor();
    await screenshot(bob.page, 'voice-3-ptt-375-en');
  });

  it('the owner kicks the other player: his track ends at once on the owner’s device and his page says his voice ended', async () => {
    await alice.page.evaluate((s) => {
      const el = document.querySelector(`audio[data-voice-seat="${s}"]`) as HTMLAudioElement;
      (window as unknown as { kept: MediaStreamTrack }).kept = (el.srcObject as MediaStream).getAudioTracks()[0] as MediaStreamTrack;
    }, bobSeat);
    assert.equal(await alice.page.evaluate(() => (window as unknown as { kept: MediaStreamTrack }).kept.readyState), 'live');
    await alice.page.getByTestId(`manage-${bobSeat}`).click();
    await alice.page.getByTestId(`kick-${bobSeat}`).click();
    await alice.page.waitForFunction(() => (window as unknown as { kept: MediaStreamTrack }).kept.readyState === 'ended');
    await alice.page.getByTestId(`voice-peer-${bobSeat}`).waitFor({ state: 'detached' });
    assert.equal(await alice.page.locator(`audio[data-voice-seat="${bobSeat}"]`).count(), 0);
    await bob.page.locator('[data-testid="table-page"][data-closed="ROOM_KICKED"]').waitFor();
    await screenshot(bob.page, 'voice-4-kicked-375-en');
    await screenshot(alice.page, 'voice-4-after-kick-320-zh');
    for (const p of [alice, bob]) assert.deepEqual(p.errors, [], `${p.name}'s page logged errors`);
  });
});
