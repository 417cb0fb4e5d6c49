// The operations console: operator sign-in (password + TOTP), the ledger check, player lookup with
// balance adjustment, the audit log, and the business settings (fees, games, tournaments, VIP, agreement).
import { ApiClient, initialLang, type Lang, localTokenStore, type Response, saveLang } from '@fairground/web';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { portName, translator } from './i18n.ts';
import { AuditPage } from './pages/audit.tsx';
import { LedgerPage } from './pages/ledger.tsx';
import { LoginPage } from './pages/login.tsx';
import { PlayersPage } from './pages/players.tsx';
import { paymentsText } from './pages/payments-i18n.ts';
import { ReconciliationPage } from './pages/payments-reconciliation.tsx';
import { RefundsPage } from './pages/payments-refunds.tsx';
import { ReviewPage } from './pages/payments-review.tsx';
import { ChatReportsPage, chatText, RoomChatPanel } from './pages/chat-reports.tsx';
import { ComplaintsPage } from './pages/complaints.tsx';
import { CalendarBanner } from './pages/calendar.tsx';
import { PoliciesPage } from './pages/policies.tsx';
import { RetentionPage, retentionNav } from './pages/retention.tsx';
import { RestrictionsPage } from './pages/restrictions.tsx';
import { RiskCasesPage } from './pages/risk-cases.tsx';
import { FraudModelsPage } from './pages/fraud-model.tsx';
import { modelText } from './pages/fraud-model-i18n.ts';
import { riskText } from './pages/risk-i18n.ts';
import { FairPlayPage } from './pages/fair-play.tsx';
import { fairPlayText } from './pages/fair-play-i18n.ts';
import { DashboardPage } from './pages/dashboard.tsx';
import { ExportsPage } from './pages/exports.tsx';
import { FeedbackInbox } from './pages/feedback.tsx';
import { SupportPage } from './pages/support.tsx';
import { LedgerOverviewPanel } from './pages/ledger-overview.tsx';
import { opsText } from './pages/ops-i18n.ts';
import { PlayerOpsPanel } from './pages/player-ops.tsx';
import { RoomsPage } from './pages/rooms.tsx';
import { NotaryPage, notaryNav } from './pages/notary.tsx';
import { PlayerRealNamePanel, RealNameQueuePage } from './pages/realname.tsx';
import { realNameText } from './pages/realname-i18n.ts';
import { PlayerAgreementsPanel, SETTINGS_TABS, SettingsPage, type SettingsTab } from './pages/settings.tsx';
import { settingsText } from './pages/settings-i18n.ts';

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

  // Ports bound to stand-ins: a banner on every page, so nobody mistakes a rehearsal for the real thing.
  const [standIns, setStandIns] = useState<string[]>([]);
  useEffect(() => {
    if (operator === null) return;
    api.call('GET /api/admin/platform', {}).then(
      (p) => setStandIns(p.ports.filter((x) => x.standIn).map((x) => x.port)),
      () => setStandIns([]),
    );
  }, [api, operator]);

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
        <nav>
          <a href="#/dashboard" class={route.page === 'dashboard' ? 'on' : ''} data-testid="nav-dashboard">
            {opsText(lang)('navDashboard')}
          </a>
          <a href="#/rooms" class={route.page === 'rooms' ? 'on' : ''} data-testid="nav-rooms">
            {opsText(lang)('navRooms')}
          </a>
          <a href="#/exports" class={route.page === 'exports' ? 'on' : ''} data-testid="nav-exports">
            {opsText(lang)('navExports')}
          </a>
          <a href="#/ledger" class={route.page === 'ledger' ? 'on' : ''} data-testid="nav-ledger">
            {t('navLedger')}
          </a>
          <a href="#/players" class={route.page === 'players' ? 'on' : ''} data-testid="nav-players">
            {t('navPlayers')}
          </a>
          <a href="#/audit" class={route.page === 'audit' ? 'on' : ''} data-testid="nav-audit">
            {t('navAudit')}
          </a>
          <a href="#/reviews" class={route.page === 'reviews' ? 'on' : ''} data-testid="nav-reviews">
            {paymentsText(lang)('navReviews')}
          </a>
          <a href="#/refunds" class={route.page === 'refunds' ? 'on' : ''} data-testid="nav-refunds">
            {paymentsText(lang)('navRefunds')}
          </a>
          <a href="#/reconciliation" class={route.page === 'reconciliation' ? 'on' : ''} data-testid="nav-reconciliation">
            {paymentsText(lang)('navReconciliation')}
          </a>
          <a href="#/risk" class={route.page === 'risk' ? 'on' : ''} data-testid="nav-risk">
            {riskText(lang)('navRisk')}
          </a>
          <a href="#/fraud-model" class={route.page === 'fraud-model' ? 'on' : ''} data-testid="nav-fraud-model">
            {modelText(lang)('navModels')}
          </a>
          <a href="#/fair-play" class={route.page === 'fair-play' ? 'on' : ''} data-testid="nav-fair-play">
            {fairPlayText(lang)('navFairPlay')}
          </a>
          <a href="#/complaints" class={route.page === 'complaints' ? 'on' : ''} data-testid="nav-complaints">
            {riskText(lang)('navComplaints')}
          </a>
          <a href="#/support" class={route.page === 'support' ? 'on' : ''} data-testid="nav-support">
            {lang === 'zh' ? '客服' : 'Support'}
          </a>
          <a href="#/chat-reports" class={route.page === 'chat-reports' ? 'on' : ''} data-testid="nav-chat-reports">
            {chatText(lang)('nav')}
          </a>
          <a href="#/restrictions" class={route.page === 'restrictions' ? 'on' : ''} data-testid="nav-restrictions">
            {riskText(lang)('navRestrictions')}
          </a>
          <a href="#/policies" class={route.page === 'policies' ? 'on' : ''} data-testid="nav-policies">
            {riskText(lang)('navPolicies')}
          </a>
          <a href="#/retention" class={route.page === 'retention' ? 'on' : ''} data-testid="nav-retention">
            {retentionNav(lang)}
          </a>
          <a href="#/realname" class={route.page === 'realname' ? 'on' : ''} data-testid="nav-realname">
            {realNameText(lang)('navRealName')}
          </a>
          <a href="#/notary" class={route.page === 'notary' ? 'on' : ''} data-testid="nav-notary">
            {notaryNav(lang)}
          </a>
          <a href="#/settings/fees" class={route.page === 'settings' ? 'on' : ''} data-testid="nav-settings">
            {settingsText(lang)('navSettings')}
          </a>
        </nav>
        <span class="who">
          <span data-testid="operator-name">{operator.username}</span> {langButton}{' '}
          <button type="button" class="link" onClick={signOut} data-testid="sign-out">
            {t('signOut')}
          </button>
        </span>
      </header>
      {standIns.length > 0 && (
        <p class="banner" role="status" data-testid="standin-banner">
          {t('standInBanner', { ports: standIns.map((x) => portName(t, x)).join(lang === 'zh' ? '、' : ', ') })}
        </p>
      )}
      <CalendarBanner ctx={ctx} />
      {route.page === 'ledger' && <LedgerPage ctx={ctx} />}
      {route.page === 'ledger' && <LedgerOverviewPanel ctx={ctx} />}
      {route.page === 'dashboard' && <DashboardPage ctx={ctx} />}
      {route.page === 'rooms' && <RoomsPage ctx={ctx} roomId={route.roomId} />}
      {route.page === 'exports' && <ExportsPage ctx={ctx} />}
      {route.page === 'players' && <PlayersPage ctx={ctx} playerId={route.playerId} />}
      {route.page === 'players' && route.playerId && <PlayerRealNamePanel ctx={ctx} playerId={route.playerId} />}
      {route.page === 'players' && route.playerId && <PlayerOpsPanel ctx={ctx} playerId={route.playerId} />}
      {route.page === 'players' && route.playerId && <PlayerAgreementsPanel ctx={ctx} playerId={route.playerId} />}
      {route.page === 'audit' && <AuditPage ctx={ctx} />}
      {route.page === 'reviews' && <ReviewPage ctx={ctx} />}
      {route.page === 'refunds' && <RefundsPage ctx={ctx} depositId={route.depositId} />}
      {route.page === 'reconciliation' && <ReconciliationPage ctx={ctx} />}
      {route.page === 'risk' && <RiskCasesPage ctx={ctx} caseId={route.caseId} />}
      {route.page === 'fraud-model' && <FraudModelsPage ctx={ctx} />}
      {route.page === 'fair-play' && <FairPlayPage ctx={ctx} playerId={route.playerId} />}
      {route.page === 'complaints' && <ComplaintsPage ctx={ctx} />}
      {route.page === 'chat-reports' && <ChatReportsPage ctx={ctx} />}
      {route.page === 'rooms' && route.roomId && <RoomChatPanel ctx={ctx} roomId={route.roomId} />}
      {route.page === 'complaints' && <FeedbackInbox ctx={ctx} />}
      {route.page === 'support' && <SupportPage ctx={ctx} />}
      {route.page === 'restrictions' && <RestrictionsPage ctx={ctx} playerId={route.playerId} />}
      {route.page === 'policies' && <PoliciesPage ctx={ctx} />}
      {route.page === 'retention' && <RetentionPage ctx={ctx} />}
      {route.page === 'realname' && <RealNameQueuePage ctx={ctx} />}
      {route.page === 'notary' && <NotaryPage ctx={ctx} />}
      {route.page === 'settings' && <SettingsPage ctx={ctx} tab={route.tab} />}
    </div>
  );
}
