// Handlers for the risk endpoints.
import type { Players } from '../accounts/index.ts';
import { type Implementation, implement } from '../http/routes.ts';
import { riskContract as c } from './contract.ts';
import type { CaseDetail, Risk } from './service.ts';

export interface RiskRouteDeps {
  readonly risk: Risk;
  readonly players: Players;
  readonly nowMs: () => number;
}

function caseBody(d: CaseDetail) {
  return {
    ...d,
    transfers: d.transfers.map((t) => ({
      id: t.id,
      asset: t.asset,
      direction: t.direction,
      amount: t.amount,
      code: t.code,
      kind: t.kind,
      createdAtMs: t.createdAtMs,
    })),
    complaints: [...d.complaints],
    restrictions: d.restrictions.map((r) => ({ ...r, actions: [...r.actions] })),
    signals: [...d.signals],
    events: [...d.events],
  };
}

// tidy: route table
export function riskRoutes(d: RiskRouteDeps): Record<keyof typeof c, Implementation> {
  const meta = (request: { id: string; ip: string }) => ({ requestId: request.id, ip: request.ip });
  return {
    fileComplaint: implement(c.fileComplaint, async ({ actor, body }) => {
      if (body.targetPlayerId !== undefined) await d.players.require(body.targetPlayerId);
      return d.risk.fileComplaint(actor.playerId, {
        ...(body.targetPlayerId !== undefined ? { targetPlayerId: body.targetPlayerId } : {}),
        ...(body.roomId !== undefined ? { roomId: body.roomId } : {}),
        reason: body.reason,
        text: body.text,
      });
    }),
    myCredit: implement(c.myCredit, async ({ actor }) => ({
      credit: await d.risk.credit(actor.playerId),
      complaints: await d.risk.complaints({ reporterId: actor.playerId }),
    })),
    riskRoomActions: implement(c.riskRoomActions, async ({ query }) => ({ items: await d.risk.roomActions(query.limit ?? 50) })),
    riskPlayerLinks: implement(c.riskPlayerLinks, async ({ params }) => {
      await d.players.require(params.playerId);
      const view = await d.risk.links.view(params.playerId);
      return {
        playerId: view.playerId,
        group: [...view.group],
        evidence: view.evidence.map((e) => ({ ...e, sources: [...e.sources] })),
        shared: await d.risk.links.summary(),
      };
    }),
    riskCases: implement(c.riskCases, async ({ query }) => ({ items: await d.risk.listCases(query) })),
    riskCase: implement(c.riskCase, async ({ params }) => {
      const detail = await d.risk.getCase(params.caseId);
      // A case the job has not reached yet is scored now (its features as of its opening).
      await d.risk.models.scoreCase(params.caseId);
      const kept = await d.risk.models.caseFeatures(params.caseId);
      const model = await d.risk.models.caseScore(params.caseId);
      return {
        ...caseBody(detail),
        rulesFlag: kept?.rulesFlag ?? null,
        model: model === null ? null : { ...model, top: model.top.map((t) => ({ ...t })) },
      };
    }),
    riskCaseAction: implement(c.riskCaseAction, async ({ actor, params, body, request }) =>
      caseBody(
        await d.risk.actOnCase(params.caseId, actor, body.action as Parameters<Risk['actOnCase']>[2], body.note, meta(request), {
          ...(body.days !== undefined ? { days: body.days } : {}),
        }),
      ),
    ),
    complaintsInbox: implement(c.complaintsInbox, async ({ query }) => ({ items: await d.risk.complaints(query) })),
    resolveComplaint: implement(c.resolveComplaint, async ({ actor, params, body, request }) =>
      d.risk.resolveComplaint(params.complaintId, actor, body.outcome, body.note, meta(request)),
    ),
    escalateComplaint: implement(c.escalateComplaint, async ({ actor, params, body, request }) =>
      caseBody(await d.risk.escalateComplaint(params.complaintId, actor, body.note, meta(request))),
    ),
    complaintRate: implement(c.complaintRate, async ({ query }) => ({
      ...(await d.risk.complaintRate(d.nowMs() - (query.days ?? 7) * 24 * 3600 * 1000)),
      alertPermille: d.risk.config.complaints.roomRateAlertPermille,
    })),
    playerRisk: implement(c.playerRisk, async ({ params }) => {
      await d.players.require(params.playerId);
      const score = await d.risk.score(params.playerId);
      return {
        score: score.score,
        decision: score.decision,
        signals: [...score.signals],
        credit: await d.risk.credit(params.playerId),
        creditHistory: await d.risk.creditHistory(params.playerId),
        restrictions: (await d.risk.restrictions(params.playerId)).map((r) => ({ ...r, actions: [...r.actions] })),
      };
    }),
    restrictPlayer: implement(c.restrictPlayer, async ({ actor, params, body, request }) => {
      await d.players.require(params.playerId);
      const list = await d.risk.restrict(
        actor,
        {
          playerId: params.playerId,
          kind: body.kind,
          reason: body.reason,
          ...(body.actions ? { actions: body.actions } : {}),
          ...(body.days ? { days: body.days } : {}),
        },
        meta(request),
      );
      return { restrictions: list.map((r) => ({ ...r, actions: [...r.actions] })) };
    }),
    liftRestriction: implement(c.liftRestriction, async ({ actor, params, body, request }) => {
      const list = await d.risk.lift(actor, params.playerId, params.restrictionId, body.reason, meta(request));
      return { restrictions: list.map((r) => ({ ...r, actions: [...r.actions] })) };
    }),
    riskConfig: implement(c.riskConfig, async () => ({ config: d.risk.config })),
    riskModels: implement(c.riskModels, async ({ query }) => ({ items: await d.risk.models.models(query.limit ?? 20) })),
    riskTrainModel: implement(c.riskTrainModel, async ({ actor, request }) => d.risk.models.trainNow(actor, meta(request))),
    riskActivateModel: implement(c.riskActivateModel, async ({ actor, params, body, request }) =>
      d.risk.models.activate(actor, params.version, body.mode, body.reason, meta(request)),
    ),
  };
}
