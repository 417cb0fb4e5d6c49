// Stand-in for the notary port (a third-party attestation service, 存证), for development and
// tests: it keeps what it received in this process's memory (bounded: the oldest entries go
// first) and answers lookups from it. Nobody outside the operator can check it and a restart loses
// it, so a production start refuses it unless FAIRGROUND_ACCEPT_STANDINS names `notary`.
import { createHash } from 'node:crypto';
import type { Notary, NotaryEntry } from '../rooms/index.ts';

/** Entries kept; the oldest go first. */
const ENTRIES_KEPT_MAX = 100_000;

export class SandboxNotary implements Notary {
  readonly received: NotaryEntry[] = [];
  #receipts = 0;

  async attest(entries: readonly NotaryEntry[]): Promise<{ receiptId: string }> {
    this.received.push(...entries.map((e) => ({ ...e })));
    if (this.received.length > ENTRIES_KEPT_MAX) this.received.splice(0, this.received.length - ENTRIES_KEPT_MAX);
    this.#receipts += 1;
    const digest = createHash('sha256')
      .update(entries.map((e) => `${e.chainId}:${e.seq}:${e.headHash}`).join('\n'))
      .digest('hex');
    return { receiptId: `sbx-${this.#receipts}-${digest.slice(0, 16)}` };
  }

  async lookup(chainId: string): Promise<readonly NotaryEntry[]> {
    return this.received.filter((e) => e.chainId === chainId);
  }
}
