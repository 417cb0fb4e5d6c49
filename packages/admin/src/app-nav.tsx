// The console's navigation bar: one link per page, in the order operators read them, the current page marked.
import type { Lang } from '@fairground/web';
import type { Route } from './app.tsx';
import type { translator } from './i18n.ts';
import { chatText } from './pages/chat-reports.tsx';
import { fairPlayText } from './pages/fair-play-i18n.ts';
import { modelText } from './pages/fraud-model-i18n.ts';
import { notaryNav } from './pages/notary.tsx';
import { opsText } from './pages/ops-i18n.ts';
import { paymentsText } from './pages/payments-i18n.ts';
import { realNameText } from './pages/realname-i18n.ts';
import { retentionNav } from './pages/retention.tsx';
import { riskText } from './pages/risk-i18n.ts';
import { settingsText } from './pages/settings-i18n.ts';

type T = ReturnType<typeof translator>;

interface NavLink {
  href: string;
  page: Route['page'];
  testId: string;
  label: (lang: Lang, t: T) => string;
}

const NAV: readonly NavLink[] = [
  { href: '#/dashboard', page: 'dashboard', testId: 'nav-dashboard', label: (lang) => opsText(lang)('navDashboard') },
  { href: '#/rooms', page: 'rooms', testId: 'nav-rooms', label: (lang) => opsText(lang)('navRooms') },
  { href: '#/exports', page: 'exports', testId: 'nav-exports', label: (lang) => opsText(lang)('navExports') },
  { href: '#/ledger', page: 'ledger', testId: 'nav-ledger', label: (_lang, t) => t('navLedger') },
  { href: '#/players', page: 'players', testId: 'nav-players', label: (_lang, t) => t('navPlayers') },
  { href: '#/audit', page: 'audit', testId: 'nav-audit', label: (_lang, t) => t('navAudit') },
  { href: '#/reviews', page: 'reviews', testId: 'nav-reviews', label: (lang) => paymentsText(lang)('navReviews') },
  { href: '#/refunds', page: 'refunds', testId: 'nav-refunds', label: (lang) => paymentsText(lang)('navRefunds') },
  {
    href: '#/reconciliation',
    page: 'reconciliation',
    testId: 'nav-reconciliation',
    label: (lang) => paymentsText(lang)('navReconciliation'),
  },
  { href: '#/risk', page: 'risk', testId: 'nav-risk', label: (lang) => riskText(lang)('navRisk') },
  { href: '#/fraud-model', page: 'fraud-model', testId: 'nav-fraud-model', label: (lang) => modelText(lang)('navModels') },
  { href: '#/fair-play', page: 'fair-play', testId: 'nav-fair-play', label: (lang) => fairPlayText(lang)('navFairPlay') },
  { href: '#/complaints', page: 'complaints', testId: 'nav-complaints', label: (lang) => riskText(lang)('navComplaints') },
  { href: '#/support', page: 'support', testId: 'nav-support', label: (lang) => (lang === 'zh' ? '客服' : 'Support') },
  { href: '#/chat-reports', page: 'chat-reports', testId: 'nav-chat-reports', label: (lang) => chatText(lang)('nav') },
  { href: '#/restrictions', page: 'restrictions', testId: 'nav-restrictions', label: (lang) => riskText(lang)('navRestrictions') },
  { href: '#/policies', page: 'policies', testId: 'nav-policies', label: (lang) => riskText(lang)('navPolicies') },
  { href: '#/retention', page: 'retention', testId: 'nav-retention', label: (lang) => retentionNav(lang) },
  { href: '#/realname', page: 'realname', testId: 'nav-realname', label: (lang) => realNameText(lang)('navRealName') },
  { href: '#/notary', page: 'notary', testId: 'nav-notary', label: (lang) => notaryNav(lang) },
  { href: '#/settings/fees', page: 'settings', testId: 'nav-settings', label: (lang) => settingsText(lang)('navSettings') },
];

export function ConsoleNav({ route, lang, t }: { route: Route; lang: Lang; t: T }) {
  return (
    <nav>
      {NAV.map((x) => (
        <a key={x.testId} href={x.href} class={route.page === x.page ? 'on' : ''} data-testid={x.testId}>
          {x.label(lang, t)}
        </a>
      ))}
    </nav>
  );
}
