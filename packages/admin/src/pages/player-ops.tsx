// The player page's compliance and risk panel: the policy in force and why, limits, self-exclusion
// and breaks, the risk score with its decision, credit, and active restrictions, with the way to
// restrict or ban.
import { ApiError, fenToYuan, formatTimeMs, type Response } from '@fairground/web';
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { type OpsKey, opsText } from './ops-i18n.ts';
import { consoleError } from '../errors.ts';

type Compliance = Response<'GET /api/admin/players/:playerId/compliance'>;
type Risk = Response<'GET /api/admin/players/:playerId/risk'>;

function limit(fen: number | null, none: string): string {
  return fen === null ? none : `¥${fenToYuan(fen)}`;
}

export function PlayerOpsPanel({ ctx, playerId }: { ctx: Ctx; playerId: string }) {
  const o = opsText(ctx.lang);
  const [compliance, setCompliance] = useState<Compliance | null>(null);
  const [risk, setRisk] = useState<Risk | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const fail = (e: unknown) => {
      // An operator without a risk role still sees the rest of the page.
      if (!(e instanceof ApiError && e.code === 'AUTH_ROLE_MISSING')) setError(consoleError(ctx.lang, e));
    };
    ctx.api.call('GET /api/admin/players/:playerId/compliance', { params: { playerId } }).then(setCompliance, fail);
    ctx.api.call('GET /api/admin/players/:playerId/risk', { params: { playerId } }).then(setRisk, fail);
  }, [playerId]);
  const rp = compliance?.responsiblePlay;
  return (
    <main data-testid="player-ops">
      {error && <p class="error">{error}</p>}
      <div class="two">
        {compliance && rp && <ComplianceCard o={o} compliance={compliance} rp={rp} />}
        {risk && <RiskCard o={o} risk={risk} playerId={playerId} />}
      </div>
    </main>
  );
}

type OpsT = ReturnType<typeof opsText>;

/** The policy in force and why, the limits, self-exclusion and breaks. */
function ComplianceCard({ o, compliance, rp }: { o: OpsT; compliance: Compliance; rp: NonNullable<Compliance['responsiblePlay']> }) {
  return (
    <section class="card" data-testid="player-compliance">
      <h2>{o('complianceTitle')}</h2>
      <dl class="facts">
        <dt>{o('policy')}</dt>
        <dd>
          <span translate={false}>
            {compliance.policy.name}@{compliance.policy.version}
          </span>
        </dd>
        <dt>{o('basis')}</dt>
        <dd translate={false}>{compliance.basis}</dd>
        <dt>{o('region')}</dt>
        <dd>{compliance.region ? (compliance.region.subdivision ?? compliance.region.country) : o('region_unknown')}</dd>
        <dt>{o('verified')}</dt>
        <dd>{compliance.verified ? o('yes') : o('no')}</dd>
        <dt>{o('depositLimits')}</dt>
        <dd data-testid="player-deposit-limits">
          {limit(rp.depositLimits.dayFen, o('noLimit'))} / {limit(rp.depositLimits.monthFen, o('noLimit'))}
        </dd>
        {rp.selfExclusionUntilMs !== null && (
          <>
            <dt>{o('selfExclusion')}</dt>
            <dd>{formatTimeMs(rp.selfExclusionUntilMs)}</dd>
          </>
        )}
        {rp.play.breakUntilMs !== null && (
          <>
            <dt>{o('breakUntil')}</dt>
            <dd>{formatTimeMs(rp.play.breakUntilMs)}</dd>
          </>
        )}
      </dl>
    </section>
  );
}

/** The risk score with its decision, credit, restrictions and strongest signals. */
function RiskCard({ o, risk, playerId }: { o: OpsT; risk: Risk; playerId: string }) {
  const active = risk.restrictions;
  return (
    <section class="card" data-testid="player-risk">
      <h2>{o('riskTitle')}</h2>
      <p>
        <span class={`badge ${risk.decision === 'allow' ? 'ok' : risk.decision === 'review' ? 'off_target' : 'alert'}`}>
          {o('riskScore', { score: risk.score, decision: o(`decision_${risk.decision}` as OpsKey) })}
        </span>{' '}
        {o('credit', { n: risk.credit })}
      </p>
      <p class="small">{active.length === 0 ? o('restrictionsNone') : o('restrictionsActive', { n: active.length })}</p>
      {risk.signals.length > 0 && (
        <ul class="small">
          {risk.signals.slice(0, 5).map((s) => (
            <li key={s.id}>
              <code translate={false}>{s.kind}</code> +{s.weight}
            </li>
          ))}
        </ul>
      )}
      <a href={`#/restrictions/${encodeURIComponent(playerId)}`} data-testid="player-restrict-link">
        {o('manageRestrictions')}
      </a>
    </section>
  );
}
