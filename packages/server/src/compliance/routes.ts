// Handlers for the compliance endpoints.
import type { Static } from '@sinclair/typebox';
import type { Players } from '../accounts/index.ts';
import type { AuditLog } from '../admin/index.ts';
import { type Implementation, implement } from '../http/routes.ts';
import { AppError } from '@fairground/core';
import type { Store } from '../storage/ports.ts';
import { RealNameReportErrors } from './errors.ts';
import type { CalendarStatus, CalendarYearStatus } from './calendar-status.ts';
import type { RealNamePresence } from './realname.ts';
import { type HealthNoticeBody, complianceContract as c, type ResponsiblePlayBody } from './contract.ts';
import { jurisdictionCode } from './jurisdictions.ts';
import type { Policy } from './policy.ts';
import type { ComplianceService, ResponsiblePlayView } from './service.ts';

export interface ComplianceRouteDeps {
  readonly store: Store;
  readonly calendars: CalendarStatus;
  readonly compliance: ComplianceService;
  readonly players: Players;
  readonly audit: AuditLog;
  /** The play-report outbox; null when no play reporting is configured. */
  readonly realName: RealNamePresence | null;
}

function notice(p: Policy): Static<typeof HealthNoticeBody> | null {
  const n = p.healthNotice;
  return n ? { title: n.title, text: n.text, showAt: [...n.showAt] } : null;
}

// tidy: route table
export function complianceRoutes(d: ComplianceRouteDeps): Record<keyof typeof c, Implementation> {
  const view = async (playerId: string, v?: ResponsiblePlayView): Promise<Static<typeof ResponsiblePlayBody>> => {
    const rp = v ?? (await d.compliance.responsiblePlay(playerId));
    const policy = (await d.compliance.policyFor(playerId)).policy;
    return { ...rp, selfExclusionDays: [...rp.selfExclusionDays], healthNotice: notice(policy) };
  };
  const ref = (p: Policy) => ({ name: p.name, version: p.version, jurisdiction: jurisdictionCode(p) });
  return {
    healthNotice: implement(c.healthNotice, async () => {
      const p = d.compliance.policies.default;
      return { policy: `${p.name}@${p.version}`, notice: notice(p) };
    }),
    myHealthNotice: implement(c.myHealthNotice, async ({ actor }) => {
      const p = (await d.compliance.policyFor(actor.playerId)).policy;
      return { policy: `${p.name}@${p.version}`, notice: notice(p) };
    }),
    responsiblePlay: implement(c.responsiblePlay, async ({ actor }) => view(actor.playerId)),
    setDepositLimits: implement(c.setDepositLimits, async ({ actor, body }) =>
      view(actor.playerId, await d.compliance.setDepositLimits(actor.playerId, { dayFen: body.dayFen, monthFen: body.monthFen })),
    ),
    selfExclude: implement(c.selfExclude, async ({ actor, body }) =>
      view(actor.playerId, await d.compliance.selfExclude(actor.playerId, body.days)),
    ),
    compliancePolicies: implement(c.compliancePolicies, async () => ({
      defaultPolicy: d.compliance.policies.default.name,
      items: d.compliance.policies.all().map((p) => ({
        name: p.name,
        version: p.version,
        jurisdiction: jurisdictionCode(p),
        countries: [...(p.jurisdiction?.countries ?? [])],
        description: p.description ?? null,
        document: p,
      })),
    })),
    playerCompliance: implement(c.playerCompliance, async ({ params }) => {
      await d.players.require(params.playerId);
      const sel = await d.compliance.policyFor(params.playerId);
      return {
        policy: ref(sel.policy),
        basis: sel.basis,
        region: sel.region,
        override: sel.override,
        verified: sel.identity.verified,
        responsiblePlay: await view(params.playerId),
      };
    }),
    setPlayerJurisdiction: implement(c.setPlayerJurisdiction, async ({ actor, params, body, request }) => {
      await d.players.require(params.playerId);
      const before = await d.compliance.policyFor(params.playerId);
      await d.store.unitOfWork(
        async (tx) => {
          await d.compliance.setOverride(tx, params.playerId, body.jurisdiction, body.reason, actor.operatorId);
          await d.audit.record(tx, {
            operator: { id: actor.operatorId, username: actor.username },
            action: 'compliance.set_jurisdiction',
            target: { kind: 'player', id: params.playerId },
            reason: body.reason,
            before: { jurisdiction: before.override?.jurisdiction ?? null, policy: before.policy.name },
            after: { jurisdiction: body.jurisdiction },
            requestId: request.id,
            ip: request.ip,
          });
        },
        { label: 'compliance.setOverride' },
      );
      const after = await d.compliance.policyFor(params.playerId);
      return { policy: ref(after.policy), basis: after.basis };
    }),
    realNameReports: implement(c.realNameReports, async ({ query }) => {
      const r = d.realName;
      if (r === null) return { enabled: false, counts: { pending: 0, sent: 0, parked: 0, expired: 0 }, items: [] };
      const [counts, items] = await Promise.all([
        r.counts(),
        r.list({
          ...(query.state !== undefined ? { state: query.state } : {}),
          ...(query.playerId !== undefined ? { playerId: query.playerId } : {}),
          ...(query.limit !== undefined ? { limit: query.limit } : {}),
        }),
      ]);
      return { enabled: true, counts, items };
    }),
    retryRealNameReports: implement(c.retryRealNameReports, async ({ actor, body, request }) => {
      const r = d.realName;
      if (r === null) throw new AppError(RealNameReportErrors.REALNAME_REPORTING_OFF);
      return d.store.unitOfWork(
        async (tx) => {
          const out = await r.requeue(tx, body.ids);
          await d.audit.record(tx, {
            operator: { id: actor.operatorId, username: actor.username },
            action: 'realname.retry_reports',
            reason: body.reason,
            before: { ids: body.ids },
            after: out,
            requestId: request.id,
            ip: request.ip,
          });
          return out;
        },
        { label: 'compliance.realnameRetry' },
      );
    }),
    calendars: implement(c.calendars, async () => {
      const items = await d.calendars.list();
      return {
        items: items.map((i) => ({ ...i, years: i.years.map(yearBody), warnings: [...i.warnings] })),
        warnings: items.flatMap((i) => i.warnings),
      };
    }),
    confirmCalendarYear: implement(c.confirmCalendarYear, async ({ actor, body, request }) =>
      d.store.unitOfWork(
        async (tx) => {
          const r = await d.calendars.confirm(tx, { ...body, operatorId: actor.operatorId });
          if (r.confirmed) {
            await d.audit.record(tx, {
              operator: { id: actor.operatorId, username: actor.username },
              action: 'compliance.confirm_calendar',
              target: { kind: 'calendar', id: `${body.jurisdiction}/${body.year}` },
              reason: body.note,
              before: { verified: r.year.fileVerified },
              after: { verified: true, sha256: body.sha256, source: r.year.source.title },
              requestId: request.id,
              ip: request.ip,
            });
          }
          return { confirmed: r.confirmed, year: yearBody(r.year) };
        },
        { label: 'compliance.confirmCalendar' },
      ),
    ),
  };
}

function yearBody(y: CalendarYearStatus) {
  return {
    ...y,
    holidays: [...y.holidays],
    workdays: [...y.workdays],
    source: { ...y.source, ...(y.source.urls ? { urls: [...y.source.urls] } : {}) },
  };
}
