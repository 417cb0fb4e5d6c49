// The operations console: operator sign-in (password + TOTP), the ledger check, player lookup with
// balance adjustment, the audit log, and the business settings (fees, games, tournaments, VIP, agreement).
import { ApiClient, initialLang, type Lang, localTokenStore, type Response, saveLang } from '@fairground/web';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { ConsoleNav } from './app-nav.tsx';
import { RoutePages } from './app-pages.tsx';
import { StandInBanner, useStandIns } from './app-stand-ins.tsx';
import { translator } from './i18n.ts';
import { CalendarBanner } from './pages/calendar.tsx';
import { LoginPage } from './pages/login.tsx';
import { SETTINGS_TABS, type SettingsTab } from './pages/settings.tsx';

export type Operator = Response<'GET /api/admin/me'>;
export type Route =
  | { page: 'ledger' }
  | { page: 'players'; playerId?: string }
  | { page: 'audit' }
  | { page: 'reviews' }
  | { page: 'refunds'; depositId?: string }
  | { page: 'reconciliation' }
  | { page: 'risk'; caseId?: string }
  | { page: 'fraud-model' }
  | { page: 'fair-play'; playerId?: string }
  | { page: 'complaints' }
  | { page: 'support' }
  | { page: 'chat-reports' }
  | { page: 'restrictions'; playerId?: string }
  | { page: 'policies' }
  | { page: 'retention' }
  | { page: 'dashboard' }
  | { page: 'rooms'; roomId?: string }
  | { page: 'exports' }
  | { page: 'realname' }
  | { page: 'notary' }
  | { page: 'settings'; tab: SettingsTab };

export interface Ctx {
  readonly api: ApiClient;
  readonly t: ReturnType<typeof translator>;
  readonly lang: Lang;
  readonly operator: Operator;
  navigate(hash: string): void;
}

function parseRoute(): Route {
  const parts = location.hash.replace(/^#\/?/, '').split('/');
  if (parts[0] === 'players') return parts[1] ? { page: 'players', playerId: decodeURIComponent(parts[1]) } : { page: 'players' };
  if (parts[0] === 'audit') return { page: 'audit' };
  if (parts[0] === 'reviews') return { page: 'reviews' };
  if (parts[0] === 'refunds') return parts[1] ? { page: 'refunds', depositId: decodeURIComponent(parts[1]) } : { page: 'refunds' };
  if (parts[0] === 'reconciliation') return { page: 'reconciliation' };
  if (parts[0] === 'risk') return parts[1] ? { page: 'risk', caseId: decodeURIComponent(parts[1]) } : { page: 'risk' };
  if (parts[0] === 'fraud-model') return { page: 'fraud-model' };
  if (parts[0] === 'fair-play') return parts[1] ? { page: 'fair-play', playerId: decodeURIComponent(parts[1]) } : { page: 'fair-play' };
  if (parts[0] === 'complaints') return { page: 'complaints' };
  if (parts[0] === 'support') return { page: 'support' };
  if (parts[0] === 'chat-reports') return { page: 'chat-reports' };
  if (parts[0] === 'restrictions')
    return parts[1] ? { page: 'restrictions', playerId: decodeURIComponent(parts[1]) } : { page: 'restrictions' };
  if (parts[0] === 'policies') return { page: 'policies' };
  if (parts[0] === 'retention') return { page: 'retention' };
  if (parts[0] === 'dashboard') return { page: 'dashboard' };
  if (parts[0] === 'rooms') return parts[1] ? { page: 'rooms', roomId: decodeURIComponent(parts[1]) } : { page: 'rooms' };
  if (parts[0] === 'exports') return { page: 'exports' };
  if (parts[0] === 'realname') return { page: 'realname' };
  if (parts[0] === 'notary') return { page: 'notary' };
  if (parts[0] === 'settings') {
    const tab = SETTINGS_TABS.find((x) => x === parts[1]) ?? 'fees';
    return { page: 'settings', tab };
  }
  return { page: 'ledger' };
}

export function App() {
  const [lang, setLang] = useState<Lang>(initialLang());
  const [operator, setOperator] = useState<Operator | null>(null);
  const [ready, setReady] = useState(false);
  const [route, setRoute] = useState<Route>(parseRoute());
  const api = useMemo(() => new ApiClient({ tokens: localTokenStore('fg.operator.tokens'), onSignedOut: () => setOperator(null) }), []);
  const t = useMemo(() => translator(lang), [lang]);

  useEffect(() => {
    const onHash = () => setRoute(parseRoute());
    addEventListener('hashchange', onHash);
    if (api.signedIn) {
      api
        .call('GET /api/admin/me', {})
        .then(setOperator, () => setOperator(null))
        .finally(() => setReady(true));
    } else setReady(true);
    return () => removeEventListener('hashchange', onHash);
  }, [api]);
  useEffect(() => saveLang(lang), [lang]);

  const standIns = useStandIns(api, operator);

  const navigate = useCallback((hash: string) => {
    location.hash = hash;
  }, []);

  const signOut = async () => {
    await api.call('POST /api/admin/auth/logout', {}).catch(() => {});
    api.setTokens(null);
    setOperator(null);
  };

  if (!ready) return <main />;
  const langButton = (
    <button type="button" class="link" data-testid="lang-toggle" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
      {t('language')}
    </button>
  );
  if (operator === null) {
    return (
      <div class="shell">
        <header class="bar">
          <span class="brand">{t('appName')}</span>
          {langButton}
        </header>
        <LoginPage api={api} t={t} lang={lang} onSignedIn={setOperator} />
      </div>
    );
  }
  const ctx: Ctx = { api, t, lang, operator, navigate };
  return (
    <div class="shell">
      <header class="bar">
        <span class="brand">{t('appName')}</span>
        <ConsoleNav route={route} lang={lang} t={t} />
        <span class="who">
          <span data-testid="operator-name">{operator.username}</span> {langButton}{' '}
          <button type="button" class="link" onClick={signOut} data-testid="sign-out">
            {t('signOut')}
          </button>
        </span>
      </header>
      <StandInBanner t={t} lang={lang} standIns={standIns} />
      <CalendarBanner ctx={ctx} />
      <RoutePages ctx={ctx} route={route} />
    </div>
  );
}
