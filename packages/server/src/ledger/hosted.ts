// The ledger's coalesced direct requests, run next to the write connection when the store can host
// them (SQLite's writer thread, see `Store.host`): a caller's request crosses to that thread as one
// message, and the validation, hashing, checks, SQL and commit of a whole group happen there, off
// the event loop. Loaded by the store in its thread, never imported by the rest of the ledger.
import type { Clock } from '@fairground/core';
import type { HostedOptions, Store } from '../storage/ports.ts';
import type { BatchInput, CloseInput, RequestResult, TransferInput } from './types.ts';
import { LedgerWriter } from './writer.ts';

export type HostedRequest =
  | { readonly kind: 'transfer'; readonly input: TransferInput }
  | { readonly kind: 'batch'; readonly input: BatchInput }
  | { readonly kind: 'post'; readonly input: CloseInput }
  | { readonly kind: 'void'; readonly input: CloseInput };

export function host(store: Store, options: HostedOptions, clock: Clock): { handle(request: unknown): Promise<RequestResult> } {
  const writer = new LedgerWriter(store, {
    clock,
    transferAmountMax: Number(options.transferAmountMax),
    batchTransfersMax: Number(options.batchTransfersMax),
    chainShards: Number(options.chainShards),
  });
  return {
    handle(request: unknown): Promise<RequestResult> {
      const r = request as HostedRequest;
      switch (r.kind) {
        case 'transfer':
          return writer.submit(r.input);
        case 'batch':
          return writer.submitBatch(r.input);
        case 'post':
          return writer.submitPost(r.input);
        case 'void':
          return writer.submitVoid(r.input);
        default:
          return Promise.reject(new Error('unknown hosted ledger request'));
      }
    },
  };
}
