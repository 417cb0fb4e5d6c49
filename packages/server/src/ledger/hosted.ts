// The ledger's coalesced direct requests, run next to the write connection when the store can host
// them (SQLite's writer thread, see `Store.host`): the requests of one turn of the caller's event
// loop cross to that thread as one message, and the validation, hashing, checks, SQL and commit of
// a whole group happen there, off the event loop, answered in one message (`hosted-wire.ts`).
// Loaded by the store in its thread, never imported by the rest of the ledger.
import type { Clock } from '@fairground/core';
import type { HostedOptions, Store } from '../storage/ports.ts';
import { type DirectStats, decodeGroup, encodeAnswers, type HostedRequest, type SettledJson } from './hosted-wire.ts';
import { LedgerWriter, resultJsonOf } from './writer.ts';

export function host(store: Store, options: HostedOptions, clock: Clock): { handle(request: unknown): Promise<unknown> } {
  const writer = new LedgerWriter(
    store,
    {
      clock,
      transferAmountMax: Number(options.transferAmountMax),
      batchTransfersMax: Number(options.batchTransfersMax),
      chainShards: Number(options.chainShards),
    },
    { localConnection: true },
  );
  return {
    async handle(request: unknown): Promise<unknown> {
      const r = request as HostedRequest;
      switch (r.kind) {
        case 'group': {
          const settled = await writer.submitMany(decodeGroup(r.requests));
          return encodeAnswers(
            settled.map(
              (o): SettledJson =>
                o.status === 'fulfilled'
                  ? { ok: true, json: resultJsonOf(o.value), replayed: o.value.replayed }
                  : { ok: false, error: o.reason },
            ),
          );
        }
        case 'stats': {
          const cpu = process.threadCpuUsage();
          return { ...writer.directStats(), threadCpuUs: cpu.user + cpu.system } satisfies DirectStats;
        }
        case 'transfer':
          return writer.submit(r.input);
        case 'batch':
          return writer.submitBatch(r.input);
        case 'post':
          return writer.submitPost(r.input);
        case 'void':
          return writer.submitVoid(r.input);
        default:
          throw new Error('unknown hosted ledger request');
      }
    },
  };
}
