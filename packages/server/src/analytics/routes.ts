// Handlers of the analytics endpoints.
import { newId } from '@fairground/core';
import { implement, type Implementation } from '../http/routes.ts';
import type { Ledger } from '../ledger/index.ts';
import type { Store } from '../storage/ports.ts';
import type { Alerts } from './alerts.ts';
import { analyticsContract as c } from './contract.ts';
import type { Exports } from './exports.ts';
import type { Analytics } from './index.ts';
import { DAY_MS, METRICS_WINDOW_MS_MAX } from './limits.ts';
import type { Reports } from './reports.ts';
import { ledgerOverview } from './ledger-overview.ts';
import type { TransferTables } from './ports.ts';
import type { RoomRecords } from './room-records.ts';

export interface AnalyticsRouteDeps {
  readonly analytics: Analytics;
  readonly reports: Reports;
  readonly alerts: Alerts;
  readonly exports: Exports;
  readonly rooms: RoomRecords;
  readonly ledger: Ledger;
  readonly transfers: TransferTables;
  readonly store: Store;
  readonly nowMs: () => number;
}

export function analyticsRoutes(d: AnalyticsRouteDeps): Record<keyof typeof c, Implementation> {
  return {
    analyticsReport: implement(c.analyticsReport, async ({ query }) => {
      // Up to and including this millisecond, so what just happened is in the numbers.
      const toMs = query.toMs ?? d.nowMs() + 1;
      const fromMs = query.fromMs ?? toMs - DAY_MS;
      const report = await d.reports.report({ fromMs, toMs });
      return { ...report, windowMsMax: METRICS_WINDOW_MS_MAX };
    }),
    analyticsAlerts: implement(c.analyticsAlerts, async ({ query }) => ({
      items: await d.alerts.list(query.limit ?? 50),
      webhookConfigured: d.alerts.webhookConfigured,
    })),
    analyticsExport: implement(c.analyticsExport, async ({ actor, params, query, request, reply }) => {
      const r = await d.exports.export(actor, params.kind, query, { requestId: request.id, ip: request.ip });
      reply.type('text/csv; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="${r.filename}"`);
      reply.header('x-export-rows', String(r.rows));
      return r.csv;
    }),
    myTier: implement(c.myTier, async ({ actor }) => d.analytics.tierOf(actor.playerId)),
    sendFeedback: implement(c.sendFeedback, async ({ actor, body }) => {
      const feedbackId = newId('fb');
      await d.store.unitOfWork(
        (tx) =>
          d.analytics.append(tx, {
            kind: 'feedback_filed',
            actor: { kind: 'player', id: actor.playerId },
            data: { feedbackId, topic: body.topic, text: body.text },
          }),
        { label: 'analytics.feedback' },
      );
      return { feedbackId };
    }),
    feedbackList: implement(c.feedbackList, async ({ query }) => ({
      items: (await d.analytics.recent('feedback_filed', query.limit ?? 50)).map((e) => ({
        feedbackId: String(e.data.feedbackId ?? e.id),
        playerId: e.actorId ?? '',
        topic: String(e.data.topic ?? 'other'),
        text: String(e.data.text ?? ''),
        atMs: e.atMs,
      })),
    })),
    ledgerOverview: implement(c.ledgerOverview, async ({ query }) => ledgerOverview(d.ledger, d.transfers, query.limit ?? 50)),
    adminRooms: implement(c.adminRooms, async ({ query }) => ({
      items: await d.rooms.list({
        state: query.state,
        ...(query.code !== undefined ? { code: query.code } : {}),
        limit: query.limit ?? 50,
      }),
    })),
    adminRoom: implement(c.adminRoom, async ({ params }) => d.rooms.view(params.roomId)),
    adminRoomHand: implement(c.adminRoomHand, async ({ actor, params, request }) => ({
      record: await d.rooms.hand(actor, params.roomId, params.handNumber, { requestId: request.id, ip: request.ip }),
    })),
  };
}
