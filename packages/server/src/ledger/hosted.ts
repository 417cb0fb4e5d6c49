// The ledger's coalesced direct requests, run next to the write connection when the store can host
// them (SQLite's writer thread, see `Store.host`): the requests of one turn of the caller's event
// loop cross to that thread as one message, and the validation, hashing, checks, SQL and commit of
// a whole group happen there, off the event loop, answered in one message (`hosted-wire.ts`).
// Loaded by the store in its thread, never imported by the rest of the ledger.
import type { Clock } from '@fairground/core';
import type { HostedOptions, Store } from '../storage/ports.ts';
import { decodeRequest, encodeError, encodeResult, type HostedRequest, type WireOutcome } from './hosted-wire.ts';
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
          const settled = await writer.submitMany(r.requests.map(decodeRequest));
          return settled.map(
            (o): WireOutcome => (o.status === 'fulfilled' ? encodeResult(resultJsonOf(o.value), o.value.replayed) : encodeError(o.reason)),
          );
        }
        case 'stats':
          return writer.directStats();
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
