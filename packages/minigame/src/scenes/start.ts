// The first screen: the mandatory 健康游戏忠告, the user agreement (read and ticked before
// signing in), and one-tap sign-in. A player whose session is remembered just enters.
import type { App } from '../app.ts';
import { COLORS, type Gfx, type Scene } from '../engine.ts';
import type { HealthNotice, Terms } from '../wire.ts';

/** The first screen's state: the notice and terms as loaded, the tick, and the sign-in under way. */
interface StartState {
  readonly app: App;
  notice: HealthNotice['notice'];
  terms: Terms | null;
  agreed: boolean;
  busy: boolean;
  remembered: boolean;
  /**
   * Until the remembered session has been checked the button waits: tapped earlier, a returning
   * player was told to accept the agreement they had already accepted.
   */
  resuming: boolean;
}

export function startScene(app: App): Scene {
  const s: StartState = { app, notice: null, terms: null, agreed: false, busy: false, remembered: false, resuming: true };
  app.api.call<HealthNotice>('GET', '/api/compliance/health-notice').then(
    (n) => {
      s.notice = n.notice;
      app.stage.invalidate();
    },
    () => {},
  );
  app.api.call<Terms>('GET', '/api/terms').then(
    (t) => {
      s.terms = t;
    },
    () => {},
  );
  void app.resume().then((ok) => {
    s.remembered = ok;
    s.resuming = false;
    app.stage.invalidate();
  });
  return {
    name: 'start',
    draw(g: Gfx) {
      drawTitle(s, g);
      drawNotice(s, g);
      const by = g.h * 0.68;
      if (!s.remembered) drawAgreement(s, g, by);
      const label = s.busy ? app.t('signingIn') : s.remembered ? app.t('enter') : app.t('login');
      g.button('login', 32, by + 30, g.w - 64, 50, label, () => void go(s), { enabled: !s.busy && !s.resuming, size: 18 });
      g.button('lang', g.w - 92, 12, 80, 32, app.t('language'), () => app.toggleLang(), { kind: 'ghost', size: 13 });
    },
    debug: () => ({ agreed: s.agreed, remembered: s.remembered, busy: s.busy, resuming: s.resuming }),
  };
}

/** Signs in (once the agreement is ticked) or enters with the remembered session. */
async function go(s: StartState): Promise<void> {
  const { app } = s;
  if (s.busy || s.resuming) return;
  if (!s.remembered && !s.agreed) {
    app.toast(app.t('mustAgree'));
    return;
  }
  s.busy = true;
  app.stage.invalidate();
  try {
    if (!s.remembered) await app.signIn();
    await app.home();
  } catch (e) {
    app.fail(e);
  } finally {
    s.busy = false;
    app.stage.invalidate();
  }
}

/** The background, the game's name and the four suits as its logo. */
function drawTitle(s: StartState, g: Gfx): void {
  const grad = g.ctx.createLinearGradient(0, 0, 0, g.h);
  grad.addColorStop(0, COLORS.felt);
  grad.addColorStop(1, COLORS.feltDark);
  g.fill(grad);
  g.text(s.app.t('appName'), g.w / 2, g.h * 0.13, { size: 28, weight: 'bold', color: COLORS.gold, align: 'center', maxWidth: g.w - 32 });
  // Four suits as the logo: drawn, not loaded, so the first screen needs no image.
  const suits = ['♠', '♥', '♣', '♦'];
  suits.forEach((suit, i) => {
    const x = g.w / 2 + (i - 1.5) * 40;
    g.circle(x, g.h * 0.22, 17, COLORS.paper);
    g.text(suit, x, g.h * 0.22 + 1, { size: 20, color: i % 2 === 1 ? COLORS.red : COLORS.ink, align: 'center' });
  });
}

/** The 健康游戏忠告, as the server words it (or the built-in text until it answers). */
function drawNotice(s: StartState, g: Gfx): void {
  const { app } = s;
  const boxX = 20;
  const boxW = g.w - 40;
  const boxY = g.h * 0.3;
  const title = s.notice?.title[app.lang] ?? app.t('healthTitle');
  const text = s.notice?.text[app.lang] ?? app.t('healthText');
  g.box(boxX, boxY, boxW, g.h * 0.3, 12, 'rgba(255,255,255,0.1)', 'rgba(255,255,255,0.3)');
  g.text(title, g.w / 2, boxY + 22, { size: 17, weight: 'bold', color: COLORS.paper, align: 'center' });
  g.paragraph(text, boxX + 14, boxY + 40, boxW - 28, { size: 14, color: COLORS.paper, lineHeight: 1.6 });
  g.region('health-notice', boxX, boxY, boxW, g.h * 0.3, text, null);
}

/** The agreement checkbox and the link to read it. */
function drawAgreement(s: StartState, g: Gfx, by: number): void {
  const { app } = s;
  const agreeW = g.measure(app.t('agree'), 13);
  const linkW = g.measure(app.t('agreement'), 13);
  const total = 26 + agreeW + 4 + linkW;
  let x = Math.max(12, (g.w - total) / 2);
  g.box(x, by - 9, 18, 18, 4, s.agreed ? COLORS.wechat : COLORS.paper, COLORS.paper);
  if (s.agreed) g.text('✓', x + 9, by, { size: 14, color: COLORS.white, align: 'center', weight: 'bold' });
  g.region('agree', x - 6, by - 18, 26 + agreeW, 36, app.t('agree'), () => {
    s.agreed = !s.agreed;
    if (s.agreed) app.dismissToast();
  });
  x += 26;
  g.text(app.t('agree'), x, by, { size: 13, color: COLORS.paper });
  x += agreeW + 4;
  g.text(app.t('agreement'), x, by, { size: 13, color: COLORS.gold });
  g.region('agreement', x - 4, by - 18, linkW + 8, 36, app.t('agreement'), () => {
    app.alert(s.terms?.title[app.lang] ?? app.t('agreement'), s.terms?.body[app.lang] ?? app.t('loading'));
  });
}
