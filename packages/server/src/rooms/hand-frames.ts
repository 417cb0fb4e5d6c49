// The hand as broadcast after each action: whole once (the hand's first frame, and after a
// restart or a welcome the room could not match), then as patches of what changed since the last
// broadcast. Every client holds the hand of the last frame it got (or of its welcome), so a patch
// made against what was last broadcast brings every client that missed nothing to the current
// view; the patch names that frame's version as its `base`, and a client on another base asks for
// its whole view again (`resync`).
//
// What a recipient sees is decided per player by the rules' `canSeeCards`, as for whole views: a
// player's entry goes out with its cards only to a viewer allowed to see them at this step, so no
// patch carries a card its recipient may not see. The public part of a patch (the view's changed
// fields, and each changed player as that viewer may see them) is the same text for every
// recipient of one visibility; a seat's legal actions go only to that seat, and only when they
// changed. Nothing is rebuilt per seat: each player's text is made once per state of that player
// (the rules replace only what an action changes) and per visibility, and cached by identity.
import { canSeeCards, type HandState, type PlayerState } from '@fairground/rules';
import { assert } from '@fairground/core';
import type { RoomState } from './state.ts';
import { compactPlayerText, handFrameText, legalText } from './views.ts';

/** What every broadcast of the hand carries besides the hand itself. */
export interface FrameHead {
  readonly v: number;
  readonly serverNowMs: number;
  readonly turnDeadlineMs: number | null;
  /** The hand started with this change: its fixed facts go out, and the frame is whole. */
  readonly withInfo: boolean;
}

/**
 * The hand as broadcast. A room keeps two and fills them in turn (`#record`): the one last sent,
 * which the next patch is made against, and the one the next broadcast fills. A record lives from
 * one action to the next, long enough to be promoted: filling the same two, a broadcast makes no
 * record, field list or legal list of its own.
 */
class Sent {
  v = 0;
  handNumber = 0;
  state!: HandState;
  turnDeadlineMs: number | null = null;
  /** The names of the view's top-level fields (players aside), and their values as text, in that order. */
  keys: readonly string[] = [];
  readonly fields: string[] = [];
  /** Each seat's legal actions as text, by seat, once asked for (derived from `state` when not). */
  readonly legal: (string | undefined)[] = [];
  players: readonly { readonly seat: number }[] = [];
}

/** Fields of the rules' state that are not in the view sent (see `compactView`), or sent apart. */
const NOT_SENT: ReadonlySet<string> = new Set(['players', 'rules', 'version', 'comparisons']);
/** Players a patch can name in its numeric key (two bits each within a safe integer; a table has far fewer). */
const PATCH_PLAYERS_MAX = 26;

/** The texts of one player, by visibility (`pub`: as shown to all; `own`: with the cards). */
interface PlayerTexts {
  pub?: string;
  own?: string;
}

/**
 * Whether a seat's legal actions are certainly what they were: the turn was not and is not its
 * own, and neither its player, the round nor the phase changed. Off turn a seat can at most look,
 * and whether it may depends on only those (`views.ts#legalFor`); so the rules are not asked again
 * for every waiting seat after every action.
 */
function legalUnchanged(before: HandState, now: HandState, seat: number): boolean {
  if (now.rules.foldOutOfTurn || before.turnSeat === seat || now.turnSeat === seat) return false;
  if (before.round !== now.round || before.phase !== now.phase) return false;
  const players = now.players;
  for (let i = 0; i < players.length; i += 1) if ((players[i] as PlayerState).seat === seat) return players[i] === before.players[i];
  return true;
}

/** Builds each broadcast's hand frames for one room; remembers what it last sent. */
export class HandFrames {
  #sent: Sent | null = null;
  /** The two records `#sent` is one of (see `Sent`). */
  readonly #records: readonly [Sent, Sent] = [new Sent(), new Sent()];
  /** Player texts by player state: unchanged players (the same object) are not serialised again. */
  #texts = new WeakMap<PlayerState, PlayerTexts>();
  /** The broadcast being made when it sends the hand whole (see `begin`); null when it sends patches. */
  #whole: { readonly s: RoomState; readonly head: FrameHead; readonly views: Map<string, string> } | null = null;
  /** The hand a patch is made against (the frame sent before this broadcast's), and what every patch of it starts with. */
  #base: Sent | null = null;
  #common = '';
  /**
   * This broadcast's distinct players keys (see `#playersKey`), the patch text of each without its
   * end, and the finished text for viewers whose legal actions did not change: filled in place,
   * `#distinct` entries valid (a broadcast has as many as there are visibilities, a handful).
   */
  readonly #keys: number[] = [];
  readonly #open: string[] = [];
  readonly #closed: (string | undefined)[] = [];
  #distinct = 0;
  /**
   * This broadcast's answers to "is player i's entry unchanged, shown now one way and before
   * another", by `i * 4 + visibility now * 2 + visibility before` (0 not asked yet, 1 unchanged, 2
   * changed): the viewers of one broadcast ask the same few questions, and each answer compares two
   * player texts. Cleared at each `begin` for the players of the hand.
   */
  readonly #same: number[] = [];

  /**
   * The version of the last hand frame when the room's hand is still what it carried (a welcome
   * says so, and the next patch applies on it); otherwise null, and the next broadcast is whole,
   * so a client welcomed now never gets a patch made on a hand it does not hold.
   */
  baseFor(s: RoomState, turnDeadlineMs: number | null): number | null {
    const sent = this.#sent;
    if (sent !== null && s.hand !== null && s.hand.state === sent.state && sent.turnDeadlineMs === turnDeadlineMs) return sent.v;
    this.#sent = null;
    return null;
  }

  /**
   * A broadcast: prepares the hand frames of one change. Call once per broadcast, then ask
   * `frameFor` for each recipient's seat, then `end`.
   */
  begin(s: RoomState, head: FrameHead): void {
    const h = s.hand;
    const sent = this.#sent;
    this.#distinct = 0;
    if (h === null || sent === null || head.withInfo || sent.handNumber !== h.handNumber) {
      this.#sent = h === null ? null : this.#record(s, head, null);
      this.#whole = { s, head, views: new Map() };
      this.#base = null;
      return;
    }
    const next = this.#record(s, head, sent);
    this.#sent = next;
    this.#whole = null;
    this.#base = sent;
    const same = this.#same;
    same.length = h.state.players.length * 4;
    same.fill(0);
    this.#common = this.#commonText(head, sent, next);
  }

  /**
   * The broadcast is sent: its texts are let go. A room broadcasts again only at its next change,
   * hundreds of milliseconds later, and texts kept until then would outlive the young generation
   * and be promoted; what the next patch needs is in the record of what was sent.
   */
  end(): void {
    this.#whole = null;
    this.#base = null;
    this.#common = '';
    for (let j = 0; j < this.#distinct; j += 1) {
      this.#open[j] = '';
      this.#closed[j] = undefined;
    }
    this.#distinct = 0;
  }

  /** The frame text of this broadcast (see `begin`) for a viewer's seat (null: a spectator or a member not seated). */
  frameFor(viewerSeat: number | null): string {
    const whole = this.#whole;
    if (whole !== null) return handFrameText(whole.s, viewerSeat, whole.head, whole.views);
    const sent = this.#base;
    const next = this.#sent;
    assert(sent !== null && next !== null, 'a hand frame is asked for after begin');
    return this.#patchFor(sent, next, viewerSeat);
  }

  #record(s: RoomState, head: FrameHead, before: Sent | null): Sent {
    const h = s.hand;
    assert(h !== null, 'a hand is recorded while one is in play');
    const state = h.state as unknown as Readonly<Record<string, unknown>>;
    // The rules' state has one shape: the field names of the hand's first frame serve every patch.
    const keys = before?.keys ?? Object.keys(state).filter((k) => !NOT_SENT.has(k));
    const old = before?.state as unknown as Readonly<Record<string, unknown>> | undefined;
    // The record not last sent (`before`, when there is one, is the one last sent).
    const into = this.#records[0] === this.#sent ? this.#records[1] : this.#records[0];
    assert(into !== before, 'a record is filled apart from the one a patch is made against');
    const fields = into.fields;
    fields.length = keys.length;
    for (let i = 0; i < keys.length; i += 1) {
      const value = state[keys[i] as string];
      // Unchanged values are often the very same object or number: no need to serialise them again.
      const kept = old !== undefined && old[keys[i] as string] === value ? before?.fields[i] : undefined;
      fields[i] = kept ?? JSON.stringify(value) ?? 'null';
    }
    assert(h.state.players.length <= PATCH_PLAYERS_MAX, 'a hand has few enough players for a patch key');
    into.v = head.v;
    into.handNumber = h.handNumber;
    into.state = h.state;
    into.turnDeadlineMs = head.turnDeadlineMs;
    into.keys = keys;
    into.legal.fill(undefined);
    into.players = h.players;
    return into;
  }

  /** What every recipient's patch starts with: its head and the view's changed fields. */
  #commonText(head: FrameHead, sent: Sent, next: Sent): string {
    let common = `{"t":"hand_patch","v":${head.v},"base":${sent.v},"serverNowMs":${head.serverNowMs}`;
    if (next.turnDeadlineMs !== sent.turnDeadlineMs) common += `,"turnDeadlineMs":${next.turnDeadlineMs}`;
    let view = '';
    for (let i = 0; i < next.keys.length; i += 1) {
      const text = next.fields[i] as string;
      if (sent.fields[i] !== text) view += `${view === '' ? '' : ','}"${next.keys[i]}":${text}`;
    }
    if (view !== '') common += `,"view":{${view}}`;
    return common;
  }

  /**
   * One recipient's patch. Viewers that see the same players changed share one text, and those
   * whose legal actions did not change share one whole frame: the very same string, which the
   * gateway encodes and frames once for all of them.
   */
  #patchFor(sent: Sent, next: Sent, seat: number | null): string {
    const key = this.#playersKey(sent.state, next.state, seat);
    let j = 0;
    while (j < this.#distinct && this.#keys[j] !== key) j += 1;
    if (j === this.#distinct) {
      this.#keys[j] = key;
      this.#open[j] = key === 0 ? this.#common : `${this.#common},"players":[${this.#playersText(next.state, key)}]`;
      this.#closed[j] = undefined;
      this.#distinct += 1;
    }
    const text = this.#open[j] as string;
    if (seat !== null) {
      const kept = sent.legal[seat];
      const legal = kept !== undefined && legalUnchanged(sent.state, next.state, seat) ? kept : legalText(next.state, next.players, seat);
      next.legal[seat] = legal;
      const before = kept ?? legalText(sent.state, sent.players, seat);
      if (legal !== before) return `${text},"legal":${legal}}`;
    }
    let closed = this.#closed[j];
    if (closed === undefined) {
      closed = `${text}}`;
      this.#closed[j] = closed;
    }
    return closed;
  }

  /**
   * Which players' entries changed for this viewer and how it may see them now, as a number (two
   * bits per player in acting order: 0 unchanged, 1 changed as shown to all, 2 changed with its
   * cards), so viewers that get the same players share one text and no key string is made.
   */
  #playersKey(before: HandState, now: HandState, seat: number | null): number {
    assert(before.players.length === now.players.length, 'a hand keeps its players');
    let key = 0;
    for (let i = now.players.length - 1; i >= 0; i -= 1) {
      const p = now.players[i] as PlayerState;
      const q = before.players[i] as PlayerState;
      assert(p.seat === q.seat, 'a hand keeps its acting order');
      const visible = canSeeCards(now, p, seat);
      const wasVisible = canSeeCards(before, q, seat);
      let same = p === q && visible === wasVisible;
      if (!same) {
        const slot = i * 4 + (visible ? 2 : 0) + (wasVisible ? 1 : 0);
        let answer = this.#same[slot] ?? 0;
        if (answer === 0) {
          answer = this.#text(p, visible) === this.#text(q, wasVisible) ? 1 : 2;
          this.#same[slot] = answer;
        }
        same = answer === 1;
      }
      key = key * 4 + (same ? 0 : visible ? 2 : 1);
    }
    return key;
  }

  /** The changed players a key names, as the texts of a JSON array's items. */
  #playersText(now: HandState, key: number): string {
    let out = '';
    let rest = key;
    for (let i = 0; i < now.players.length; i += 1) {
      const code = rest % 4;
      rest = (rest - code) / 4;
      if (code === 0) continue;
      out += `${out === '' ? '' : ','}${this.#text(now.players[i] as PlayerState, code === 2)}`;
    }
    return out;
  }

  /** A player as sent, with or without its cards; made once per player state and visibility. */
  #text(p: PlayerState, visible: boolean): string {
    let t = this.#texts.get(p);
    if (t === undefined) {
      t = {};
      this.#texts.set(p, t);
    }
    if (visible) {
      t.own ??= compactPlayerText(p, true);
      return t.own;
    }
    t.pub ??= compactPlayerText(p, false);
    return t.pub;
  }
}
