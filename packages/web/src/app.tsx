// The player's H5 client: sign-in, the user agreement, the lobby and the wallet. Hash routes keep
// it a static bundle the server can serve from one folder.
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { translator } from './i18n.ts';
import { LobbyPage } from './pages/lobby.tsx';
import { LoginPage } from './pages/login.tsx';
import { TermsPage } from './pages/terms.tsx';
import { WalletPage } from './pages/wallet.tsx';
import { HealthNotice } from './components/health-notice.tsx';
import { ResponsiblePlayPage } from './pages/responsible.tsx';
import { DepositPage } from './pages/deposit.tsx';
import { PaymentsHistoryPage } from './pages/payments-history.tsx';
import { WithdrawPage } from './pages/withdraw.tsx';
import { SkillHubPage } from './pages/skill/hub.tsx';
import { SkillLeaderboardsPage } from './pages/skill/leaderboards.tsx';
import { SkillPlayPage } from './pages/skill/play.tsx';
import { SkillTournamentsPage } from './pages/skill/tournaments.tsx';
import { ApiClient, type Response, localTokenStore } from './shared/api.ts';
import { initialLang, type Lang, saveLang } from './shared/i18n.ts';

export type Me = Response<'GET /api/me'>;
export type Route = 'login' | 'terms' | 'lobby' | 'wallet' | 'deposit' | 'withdraw' | 'payments' | 'responsible' | SkillRoute;
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
  // A route may carry a query (`#/deposit?order=…`) for the page to read.
  const r = location.hash.replace(/^#\/?/, '').split('?')[0];
  if (r !== undefined && SKILL_ROUTES.includes(r)) return r as SkillRoute;
  if (r === 'responsible') return r;
  return r === 'terms' || r === 'lobby' || r === 'wallet' || r === 'deposit' || r === 'withdraw' || r === 'payments' ? r : 'login';
}

export function App() {
  const [lang, setLang] = useState<Lang>(initialLang());
  const [route, setRoute] = useState<Route>(routeFromHash());
  const [me, setMe] = useState<Me | null>(null);
  const [ready, setReady] = useState(false);
  const api = useMemo(() => new ApiClient({ tokens: localTokenStore('fg.player.tokens'), onSignedOut: () => setMe(null) }), []);
  const t = useMemo(() => translator(lang), [lang]);

  const navigate = useCallback((r: Route) => {
    location.hash = `#/${r}`;
    setRoute(r);
  }, []);

  useEffect(() => {
    const onHash = () => setRoute(routeFromHash());
    addEventListener('hashchange', onHash);
    if (api.signedIn) {
      api
        .call('GET /api/me', {})
        .then(setMe, () => setMe(null))
        .finally(() => setReady(true));
    } else setReady(true);
    return () => removeEventListener('hashchange', onHash);
  }, [api]);

  useEffect(() => saveLang(lang), [lang]);

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
      {effective === 'login' && <LoginPage ctx={ctx} />}
      {effective === 'login' && <HealthNotice api={api} lang={lang} at="login" />}
      {effective === 'responsible' && <ResponsiblePlayPage ctx={ctx} />}
      {effective === 'terms' && <TermsPage ctx={ctx} />}
      {effective === 'lobby' && <LobbyPage ctx={ctx} />}
      {effective === 'wallet' && <WalletPage ctx={ctx} />}
      {effective === 'deposit' && <DepositPage ctx={ctx} />}
      {effective === 'withdraw' && <WithdrawPage ctx={ctx} />}
      {effective === 'payments' && <PaymentsHistoryPage ctx={ctx} />}
      {effective === 'skill' && <SkillHubPage ctx={ctx} />}
      {effective === 'skill-play' && <SkillPlayPage ctx={ctx} />}
      {effective === 'skill-tournaments' && <SkillTournamentsPage ctx={ctx} />}
      {effective === 'skill-leaderboards' && <SkillLeaderboardsPage ctx={ctx} />}
    </div>
  );
}
