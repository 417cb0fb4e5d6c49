// Handlers for the console's endpoints. Every action that changes something, or that reveals a
// player's personal data, writes an audit entry in its own unit of work.
import { assert } from '@fairground/core';
import type { Accounts, Operator, Player } from '../accounts/index.ts';
import type { Analytics } from '../analytics/index.ts';
import { implement, type Implementation } from '../http/routes.ts';
import type { Store } from '../storage/ports.ts';
import type { AuditLog } from '../audit/index.ts';
import { adminContract as c } from './contract.ts';

export interface AdminRouteDeps {
  readonly store: Store;
  readonly accounts: Accounts;
  readonly audit: AuditLog;
  readonly analytics: Analytics;
  readonly termsVersion: string;
  /** What this node runs (the composition root's report) and the jobs' latest passes. */
  readonly platformStatus: () => Promise<{
    nodeId: string;
    ports: readonly { port: string; adapter: string; standIn: boolean }[];
    jobs: readonly {
      name: string;
      intervalMs: number;
      lastFinishedMs: number | null;
      lastOk: boolean | null;
      lastHandled: number | null;
      lastDurationMs: number | null;
      lastNode: string | null;
      lastError: string | null;
    }[];
  }>;
}

const operatorBody = (o: Operator) => ({
  id: o.id,
  username: o.username,
  roles: [...o.roles],
  status: o.status,
  createdAtMs: o.createdAtMs,
});

// tidy: route table
export function adminRoutes(d: AdminRouteDeps): Record<keyof typeof c, Implementation> {
  const { accounts, audit } = d;
  return {
    operatorLogin: implement(c.operatorLogin, async ({ body, request }) => {
      const { operator, tokens } = await accounts.operators.login(
        body,
        request.ip,
        async (tx, op, sessionId) => {
          await audit.record(tx, {
            operator: { id: op.id, username: op.username },
            action: 'operator.login',
            after: { sessionId },
            requestId: request.id,
            ip: request.ip,
          });
          await d.analytics.append(tx, { kind: 'operator_logged_in', actor: { kind: 'operator', id: op.id } });
        },
        async (tx, op, failure) => {
          // A refused sign-in of a real account (a guessed password, a wrong or replayed one-time code) is security evidence.
          await audit.record(tx, {
            operator: { id: op.id, username: op.username },
            action: 'operator.login_failed',
            after: failure,
            requestId: request.id,
            ip: request.ip,
          });
        },
      );
      return { operator: operatorBody(operator), tokens };
    }),
    operatorLogout: implement(c.operatorLogout, async ({ actor, request }) => {
      await accounts.sessions.revoke(actor.sessionId, 'logout');
      await d.store.unitOfWork((tx) =>
        audit.record(tx, {
          operator: { id: actor.operatorId, username: actor.username },
          action: 'operator.logout',
          requestId: request.id,
          ip: request.ip,
        }),
      );
      return { ok: true as const };
    }),
    operatorMe: implement(c.operatorMe, async ({ actor }) => {
      const op = await accounts.operators.get(actor.operatorId);
      assert(op !== null, 'authenticated operator vanished');
      return operatorBody(op);
    }),
    searchPlayers: implement(c.searchPlayers, async ({ query }) => ({
      items: (await accounts.players.search(query.q)).map((p: Player) => ({
        id: p.id,
        nickname: p.nickname,
        status: p.status,
        termsVersion: p.termsVersion,
        createdAtMs: p.createdAtMs,
      })),
    })),
    getPlayer: implement(c.getPlayer, async ({ actor, params, request }) => {
      const p = await accounts.players.require(params.playerId);
      const [identities, kyc] = await Promise.all([accounts.players.identities(p.id), accounts.kyc.status(p.id)]);
      await d.store.unitOfWork((tx) =>
        audit.record(tx, {
          operator: { id: actor.operatorId, username: actor.username },
          action: 'player.view',
          target: { kind: 'player', id: p.id },
          requestId: request.id,
          ip: request.ip,
        }),
      );
      return {
        player: {
          id: p.id,
          nickname: p.nickname,
          avatarUrl: p.avatarUrl,
          termsVersion: p.termsVersion,
          termsAcceptedAtMs: p.termsAcceptedAtMs,
          termsCurrent: p.termsVersion === d.termsVersion,
          createdAtMs: p.createdAtMs,
          status: p.status,
        },
        identities,
        kyc: { ...kyc, available: accounts.kyc.available },
      };
    }),
    auditLog: implement(c.auditLog, async ({ query }) =>
      audit.list({
        ...(query.operatorId !== undefined ? { operatorId: query.operatorId } : {}),
        ...(query.action !== undefined ? { action: query.action } : {}),
        ...(query.targetId !== undefined ? { targetId: query.targetId } : {}),
        ...(query.cursor !== undefined ? { beforeSeq: Number(query.cursor) } : {}),
        ...(query.limit !== undefined ? { limit: query.limit } : {}),
      }),
    ),
    listOperators: implement(c.listOperators, async () => ({ items: (await accounts.operators.list()).map(operatorBody) })),
    createOperator: implement(c.createOperator, async ({ actor, body, request }) => {
      const created = await accounts.operators.create({ username: body.username, password: body.password, roles: body.roles }, (tx, op) =>
        audit.record(tx, {
          operator: { id: actor.operatorId, username: actor.username },
          action: 'operator.create',
          target: { kind: 'operator', id: op.id },
          after: { username: op.username, roles: op.roles },
          requestId: request.id,
          ip: request.ip,
        }),
      );
      return { operator: operatorBody(created), totpSecret: created.totpSecret, otpauthUrl: created.otpauthUrl };
    }),
    analyticsEvents: implement(c.analyticsEvents, async ({ query }) => ({
      items: await d.analytics.list({
        ...(query.kind !== undefined ? { kind: query.kind } : {}),
        ...(query.afterSeq !== undefined ? { afterSeq: query.afterSeq } : {}),
        ...(query.limit !== undefined ? { limit: query.limit } : {}),
      }),
    })),
    platformStatus: implement(c.platformStatus, async () => {
      const s = await d.platformStatus();
      return {
        nodeId: s.nodeId,
        ports: s.ports.map((p) => ({ ...p })),
        jobs: s.jobs.map((j) => ({
          name: j.name,
          intervalMs: j.intervalMs,
          lastFinishedMs: j.lastFinishedMs,
          lastOk: j.lastOk,
          lastHandled: j.lastHandled,
          lastDurationMs: j.lastDurationMs,
          lastNode: j.lastNode,
          lastError: j.lastError,
        })),
      };
    }),
  };
}
