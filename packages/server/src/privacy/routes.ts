// Handlers of a player's own account endpoints.
import type { Clock } from '@fairground/core';
import { type Implementation, implement } from '../http/routes.ts';
import type { AccountClosure } from './closure.ts';
import { privacyContract as c } from './contract.ts';
import { type ExportPorts, exportPlayer } from './export.ts';

const DAY_MS = 24 * 3600 * 1000;

export function privacyRoutes(d: {
  readonly closure: AccountClosure;
  readonly exports: ExportPorts;
  readonly clock: Clock;
  readonly kycRetentionMs: number;
}): Record<keyof typeof c, Implementation> {
  return {
    accountClosure: implement(c.accountClosure, async ({ actor }) => {
      const blockers = await d.closure.blockers(actor.playerId);
      return {
        closable: blockers.length === 0,
        blockers: blockers.map((b) =>
          b.code === 'ACCOUNT_CLOSURE_BALANCE' ? { code: b.code, assets: [...b.assets] } : { code: b.code, count: b.count },
        ),
        kycRetentionDays: Math.round(d.kycRetentionMs / DAY_MS),
      };
    }),
    closeAccount: implement(c.closeAccount, async ({ actor }) => d.closure.close(actor.playerId)),
    exportMyData: implement(c.exportMyData, async ({ actor }) => exportPlayer(d.exports, actor.playerId, d.clock.nowMs())),
  };
}
