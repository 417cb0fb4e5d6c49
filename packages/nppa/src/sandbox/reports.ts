// Accepted login/logout records. The sandbox keeps the most recent ones to show, and counts
// duplicates: the same record content (si, bt, ot, ct, di, pi) accepted more than once — which is
// what a client that re-sends a whole batch after a timeout produces. Both are bounded: the
// recent list is a ring, the duplicate index forgets its oldest keys first.

export interface AcceptedRecord {
  readonly receivedMs: number;
  readonly endpoint: 'loginout' | 'test-loginout';
  readonly no: number;
  readonly si: string;
  readonly bt: number;
  readonly ot: number;
  readonly ct: number;
  readonly di: string | undefined;
  readonly pi: string | undefined;
  /** How many times this content has been accepted so far, this one included. */
  readonly seen: number;
}

export interface ReportStats {
  /** Records accepted, duplicates included. */
  readonly accepted: number;
  /** Records accepted whose content had been accepted before. */
  readonly duplicates: number;
  /** Records refused one by one (in 3001 answers). */
  readonly refused: number;
  readonly logins: number;
  readonly logouts: number;
  readonly guests: number;
  readonly verified: number;
}

export interface DuplicateView {
  readonly si: string;
  readonly bt: number;
  readonly ot: number;
  readonly ct: number;
  readonly di: string | undefined;
  readonly pi: string | undefined;
  readonly count: number;
}

export interface ReportsView {
  readonly stats: ReportStats;
  readonly recent: readonly AcceptedRecord[];
  readonly duplicates: readonly DuplicateView[];
}

export class ReportLog {
  readonly #recent: AcceptedRecord[] = [];
  readonly #recentMax: number;
  readonly #seen = new Map<string, number>();
  readonly #seenMax: number;
  #stats = { accepted: 0, duplicates: 0, refused: 0, logins: 0, logouts: 0, guests: 0, verified: 0 };

  constructor(recentMax: number, seenMax: number) {
    this.#recentMax = recentMax;
    this.#seenMax = seenMax;
  }

  accept(r: Omit<AcceptedRecord, 'seen'>): AcceptedRecord {
    const key = JSON.stringify([r.si, r.bt, r.ot, r.ct, r.di ?? '', r.pi ?? '']);
    const seen = (this.#seen.get(key) ?? 0) + 1;
    // Re-inserting moves the key to the newest end, so eviction forgets the stalest content.
    this.#seen.delete(key);
    this.#seen.set(key, seen);
    if (this.#seen.size > this.#seenMax) this.#seen.delete(this.#seen.keys().next().value!);
    const accepted: AcceptedRecord = { ...r, seen };
    this.#recent.push(accepted);
    if (this.#recent.length > this.#recentMax) this.#recent.shift();
    const s = this.#stats;
    s.accepted += 1;
    if (seen > 1) s.duplicates += 1;
    if (r.bt === 1) s.logins += 1;
    else s.logouts += 1;
    if (r.ct === 2) s.guests += 1;
    else s.verified += 1;
    return accepted;
  }

  refused(count: number): void {
    this.#stats.refused += count;
  }

  stats(): ReportStats {
    return { ...this.#stats };
  }

  recent(): AcceptedRecord[] {
    return [...this.#recent];
  }

  /** Contents accepted more than once, most recent first. */
  duplicates(): DuplicateView[] {
    const out: DuplicateView[] = [];
    for (const [key, count] of this.#seen) {
      if (count < 2) continue;
      const [si, bt, ot, ct, di, pi] = JSON.parse(key) as [string, number, number, number, string, string];
      out.push({ si, bt, ot, ct, di: di === '' ? undefined : di, pi: pi === '' ? undefined : pi, count });
    }
    return out.reverse();
  }

  clear(): void {
    this.#recent.length = 0;
    this.#seen.clear();
    this.#stats = { accepted: 0, duplicates: 0, refused: 0, logins: 0, logouts: 0, guests: 0, verified: 0 };
  }
}
