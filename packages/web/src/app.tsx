// The player's H5 client: sign-in, the user agreement, the lobby and the wallet. Hash routes keep
// it a static bundle the server can serve from one folder.
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { translator } from './i18n.ts';
import { LobbyPage } from './pages/lobby.tsx';
import { LoginPage } from './pages/login.tsx';
import { TermsPage } from './pages/terms.tsx';
import { HealthNotice } from './components/health-notice.tsx';
import { ApiClient, type Response, localTokenStore } from './shared/api.ts';
import { initialLang, type Lang, saveLang } from './shared/i18n.ts';
import { FeedbackButton } from './components/feedback.tsx';
import { lazyPage } from './shared/lazy.tsx';
import { isRoomRoute, type RoomRoute, roomRouteOf } from './pages/rooms/routes.ts';
import { loadErrorTexts } from './shared/errors.ts';
import { applyPreferences, loadPreferences, watchAnnouncements } from './shared/preferences.ts';
import { registerJsSdkClient, shareSiteInWechat } from './shared/jssdk.ts';

// Pages past the first screen load on first use (their own chunks).
type PageProps = { ctx: Ctx };
const WalletPage = lazyPage<PageProps>(() => import('./pages/wallet.tsx').then((m) => m.WalletPage));
const ResponsiblePlayPage = lazyPage<PageProps>(() => import('./pages/responsible.tsx').then((m) => m.ResponsiblePlayPage));
const DepositPage = lazyPage<PageProps>(() => import('./pages/deposit.tsx').then((m) => m.DepositPage));
const PaymentsHistoryPage = lazyPage<PageProps>(() => import('./pages/payments-history.tsx').then((m) => m.PaymentsHistoryPage));
const WithdrawPage = lazyPage<PageProps>(() => import('./pages/withdraw.tsx').then((m) => m.WithdrawPage));
const SkillHubPage = lazyPage<PageProps>(() => import('./pages/skill/hub.tsx').then((m) => m.SkillHubPage));
const SkillLeaderboardsPage = lazyPage<PageProps>(() => import('./pages/skill/leaderboards.tsx').then((m) => m.SkillLeaderboardsPage));
const SkillPlayPage = lazyPage<PageProps>(() => import('./pages/skill/play.tsx').then((m) => m.SkillPlayPage));
const SkillTournamentsPage = lazyPage<PageProps>(() => import('./pages/skill/tournaments.tsx').then((m) => m.SkillTournamentsPage));
const FairnessPage = lazyPage<PageProps>(() => import('./pages/fairness.tsx').then((m) => m.FairnessPage));
const TutorialPage = lazyPage<PageProps>(() => import('./pages/tutorial.tsx').then((m) => m.TutorialPage));
const InboxPage = lazyPage<PageProps>(() => import('./pages/inbox.tsx').then((m) => m.InboxPage));
const RealNamePage = lazyPage<PageProps>(() => import('./pages/realname.tsx').then((m) => m.RealNamePage));
const RoomPages = lazyPage<PageProps & { route: RoomRoute }>(() => import('./pages/rooms/index.tsx').then((m) => m.RoomPages));
const SettingsPage = lazyPage<PageProps & { onLang: (lang: Lang) => void }>(() =>
  import('./pages/settings.tsx').then((m) => m.SettingsPage),
);

export type Me = Response<'GET /api/me'>;
export type Route =
  | 'login'
  | 'terms'
  | 'lobby'
  | 'wallet'
  | 'deposit'
  | 'withdraw'
  | 'payments'
  | 'responsible'
  | 'realname'
  | SkillRoute
  | 'fairness'
  | 'settings'
  | 'inbox'
  | 'tutorial'
  | RoomRoute;
type SkillRoute = 'skill' | 'skill-play' | 'skill-tournaments' | 'skill-leaderboards';
const SKILL_ROUTES: readonly string[] = ['skill', 'skill-play', 'skill-tournaments', 'skill-leaderboards'];

export interface Ctx {
  readonly api: ApiClient;
  readonly t: ReturnType<typeof translator>;
  readonly lang: Lang;
  readonly me: Me | null;
  setMe(me: Me | null): void;
  navigate(route: Route): void;
}

function routeFromHash(): Route {
  const room = roomRouteOf(location.hash);
  if (room !== null) return room;
  // A route may carry a query (`#/deposit?order=…`) for the page to read.
  const r = location.hash.replace(/^#\/?/, '').split('?')[0];
  if (r !== undefined && SKILL_ROUTES.includes(r)) return r as SkillRoute;
  if (r === 'responsible' || r === 'realname') return r;
  if (r === 'fairness' || r === 'settings' || r === 'inbox' || r === 'tutorial') return r;
  return r === 'terms' || r === 'lobby' || r === 'wallet' || r === 'deposit' || r === 'withdraw' || r === 'payments' ? r : 'login';
}

/** Where a signed-out visitor was going (sessionStorage: it survives WeChat's sign-in redirect in the same tab). */
const RETURN_KEY = 'fg.returnTo';

/** The language for callbacks registered once (the speech watcher). */
const langRef: { lang: Lang } = { lang: 'zh' };

export function App() {
  const [lang, setLang] = useState<Lang>(initialLang());
  const [me, setMe] = useState<Me | null>(null);
  const api = usePlayerApi(setMe);
  const t = useMemo(() => translator(lang), [lang]);
  // Inside WeChat, pages share through the JS-SDK with signatures from this client's session.
  useEffect(() => registerJsSdkClient(api), [api]);
  const hasSession = me !== null;
  useEffect(() => {
    if (hasSession) shareSiteInWechat({ title: t('appName'), desc: t('tagline') });
  }, [hasSession]);
  const { route, ready, navigate } = useRouting(api, setMe);
  usePageWideSettings(lang);
  useReturnAfterSignIn(ready, me?.termsCurrent === true, route);

  if (!ready) return <main class="page" />;
  // The guard every page shares: no session → sign in; an old agreement → accept the new one first.
  const effective: Route = me === null ? 'login' : !me.termsCurrent ? 'terms' : route === 'login' || route === 'terms' ? 'lobby' : route;
  const ctx: Ctx = { api, t, lang, me, setMe, navigate };
  return (
    <div class="shell">
      <header class="bar">
        <span class="brand">{t('appName')}</span>
        <button type="button" class="link" data-testid="lang-toggle" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
          {t('language')}
        </button>
        {me !== null && (
          <a href="#/responsible" class="link" data-testid="nav-responsible">
            {lang === 'zh' ? '理性游戏' : 'Responsible play'}
          </a>
        )}
      </header>
      <CurrentPage ctx={ctx} route={effective} onLang={setLang} />
      {me !== null && <FeedbackButton api={api} lang={lang} />}
    </div>
  );
}

/** The player's API client; a session that ends or an agreement that changes re-reads the player. */
function usePlayerApi(setMe: (me: Me | null) => void): ApiClient {
  return useMemo(() => {
    const client: ApiClient = new ApiClient({
      tokens: localTokenStore('fg.player.tokens'),
      onSignedOut: () => setMe(null),
      // An agreement published while the player was here: re-read the player, and the guard shows it.
      onTermsOutdated: () => void client.call('GET /api/me', {}).then(setMe, () => undefined),
    });
    return client;
  }, []);
}

/** The hash route, and the first read of the signed-in player (`ready` once it answered). */
function useRouting(api: ApiClient, setMe: (me: Me | null) => void) {
  const [route, setRoute] = useState<Route>(routeFromHash());
  const [, setHash] = useState(location.hash);
  const [ready, setReady] = useState(false);
  const navigate = useCallback((r: Route) => {
    location.hash = `#/${r}`;
    setRoute(r);
  }, []);

  useEffect(() => {
    // The hash itself is state too: a link to another room of the same kind (`#/join/111111` →
    // `#/join/222222`) is the same route, and the page must still start afresh.
    const onHash = () => {
      setRoute(routeFromHash());
      setHash(location.hash);
    };
    addEventListener('hashchange', onHash);
    if (api.signedIn) {
      api
        .call('GET /api/me', {})
        .then(setMe, () => setMe(null))
        .finally(() => setReady(true));
    } else setReady(true);
    return () => removeEventListener('hashchange', onHash);
  }, [api]);
  return { route, ready, navigate };
}

/** The language saved, error sentences fetched, elder mode and the room skin applied to every page. */
function usePageWideSettings(lang: Lang): void {
  useEffect(() => saveLang(lang), [lang]);
  // Error sentences are a chunk of their own, fetched while the first page shows: no error can
  // reach the screen before a player has done something, by which time they are here.
  useEffect(() => void loadErrorTexts(), []);
  // Elder mode and the room skin apply to every page; in elder mode announcements are spoken.
  useEffect(() => {
    applyPreferences(loadPreferences());
    return watchAnnouncements(document.body, () => langRef.lang);
  }, []);
  langRef.lang = lang;
}

/**
 * A deep link opened signed out (an invitation `#/join/<code>?i=…`, a table, a deposit) is kept
 * through sign-in and the agreement, and opened once both are done, instead of the lobby.
 */
function useReturnAfterSignIn(ready: boolean, signedIn: boolean, route: Route): void {
  useEffect(() => {
    if (!ready) return;
    if (!signedIn) {
      if (route !== 'login' && route !== 'terms' && route !== 'lobby') sessionStorage.setItem(RETURN_KEY, location.hash);
      return;
    }
    const back = sessionStorage.getItem(RETURN_KEY);
    sessionStorage.removeItem(RETURN_KEY);
    if (back !== null && back !== location.hash) location.hash = back;
  }, [ready, signedIn]);
}

/** The page for the route the guard let through. */
function CurrentPage({ ctx, route, onLang }: { ctx: Ctx; route: Route; onLang: (lang: Lang) => void }) {
  const { api, lang } = ctx;
  return (
    <>
      {route === 'login' && <LoginPage ctx={ctx} />}
      {route === 'login' && <HealthNotice api={api} lang={lang} at="login" />}
      {route === 'responsible' && <ResponsiblePlayPage ctx={ctx} />}
      {route === 'realname' && <RealNamePage ctx={ctx} />}
      {route === 'terms' && <TermsPage ctx={ctx} />}
      {route === 'lobby' && <LobbyPage ctx={ctx} />}
      {route === 'wallet' && <WalletPage ctx={ctx} />}
      {route === 'deposit' && <DepositPage ctx={ctx} />}
      {route === 'withdraw' && <WithdrawPage ctx={ctx} />}
      {route === 'payments' && <PaymentsHistoryPage ctx={ctx} />}
      {route === 'skill' && <SkillHubPage ctx={ctx} />}
      {route === 'skill-play' && <SkillPlayPage ctx={ctx} />}
      {route === 'skill-tournaments' && <SkillTournamentsPage ctx={ctx} />}
      {route === 'skill-leaderboards' && <SkillLeaderboardsPage ctx={ctx} />}
      {route === 'fairness' && <FairnessPage ctx={ctx} />}
      {route === 'settings' && <SettingsPage ctx={ctx} onLang={onLang} />}
      {route === 'inbox' && <InboxPage ctx={ctx} />}
      {route === 'tutorial' && <TutorialPage ctx={ctx} />}
      {isRoomRoute(route) && <RoomPages ctx={ctx} route={route} />}
    </>
  );
}
