// The console's route table: which page (and which panels beside it) each route shows.
import type { Ctx, Route } from './app.tsx';
import { AuditPage } from './pages/audit.tsx';
import { ChatReportsPage, RoomChatPanel } from './pages/chat-reports.tsx';
import { ComplaintsPage } from './pages/complaints.tsx';
import { DashboardPage } from './pages/dashboard.tsx';
import { ExportsPage } from './pages/exports.tsx';
import { FairPlayPage } from './pages/fair-play.tsx';
import { FeedbackInbox } from './pages/feedback.tsx';
import { FraudModelsPage } from './pages/fraud-model.tsx';
import { LedgerPage } from './pages/ledger.tsx';
import { LedgerOverviewPanel } from './pages/ledger-overview.tsx';
import { NotaryPage } from './pages/notary.tsx';
import { ReconciliationPage } from './pages/payments-reconciliation.tsx';
import { RefundsPage } from './pages/payments-refunds.tsx';
import { ReviewPage } from './pages/payments-review.tsx';
import { PlayerOpsPanel } from './pages/player-ops.tsx';
import { PlayersPage } from './pages/players.tsx';
import { PoliciesPage } from './pages/policies.tsx';
import { PlayerRealNamePanel, RealNameQueuePage } from './pages/realname.tsx';
import { RestrictionsPage } from './pages/restrictions.tsx';
import { RetentionPage } from './pages/retention.tsx';
import { RiskCasesPage } from './pages/risk-cases.tsx';
import { RoomsPage } from './pages/rooms.tsx';
import { PlayerAgreementsPanel, SettingsPage } from './pages/settings.tsx';
import { SupportPage } from './pages/support.tsx';

export function RoutePages({ ctx, route }: { ctx: Ctx; route: Route }) {
  return (
    <>
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
    </>
  );
}
