// Rooms in the console: live rooms as a spectator sees them (no card that is not shown to all),
// past rooms, and a finished hand's full record stepped through action by action. Opening a
// record is audited by the server; a hand in progress has no record to open.
import { formatTimeMs, type Response } from '@fairground/web';
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { OPS_KEYS, type OpsKey, type OpsT, opsText } from './ops-i18n.ts';
import { consoleError } from '../errors.ts';

type Item = Response<'GET /api/admin/rooms'>['items'][number];
type View = Response<'GET /api/admin/rooms/:roomId'>;

interface SpectatorPlayer {
  readonly seat: number;
  readonly status: string;
  readonly seen: boolean;
  readonly contributedPoints: number;
  readonly cards: readonly string[] | null;
}
interface SpectatorHand {
  readonly round: number;
  readonly turnSeat: number | null;
  readonly potPoints: number;
  readonly stakePoints: number;
  readonly players: readonly SpectatorPlayer[];
}
interface HandRecord {
  readonly handNumber: number;
  readonly serverCommitment?: string;
  readonly serverSeed?: string;
  readonly dealerSeat?: number;
  readonly players: readonly { seat: number; playerId: string; cards: readonly string[] }[];
  readonly actions?: readonly { type: string; seat: number; toStakePoints?: number; targetSeat?: number; auto: boolean; atMs: number }[];
  readonly result?: { winners?: readonly number[] } | null;
  readonly deltas?: readonly { seat: number; playerId: string; points: number }[];
}

const SUITS: Record<string, string> = { s: '♠', h: '♥', d: '♦', c: '♣' };

export function Card({ card }: { card: string | null }) {
  if (card === null) return <span class="pcard back" title="?" />;
  const suit = card.slice(-1);
  const rank = card.slice(0, -1).replace('T', '10');
  return (
    <span class={`pcard ${suit === 'h' || suit === 'd' ? 'red' : ''}`}>
      {rank}
      {SUITS[suit] ?? suit}
    </span>
  );
}

/** A role or member status in words; one the console has no word for yet is shown as the server names it. */
function word(o: ReturnType<typeof opsText>, prefix: 'role' | 'member', value: string) {
  const key = `${prefix}_${value}`;
  return OPS_KEYS.has(key) ? o(key as OpsKey) : <span translate={false}>{value}</span>;
}

export function RoomsPage({ ctx, roomId }: { ctx: Ctx; roomId: string | undefined }) {
  return roomId ? <RoomDetail ctx={ctx} roomId={roomId} /> : <RoomList ctx={ctx} />;
}

function RoomList({ ctx }: { ctx: Ctx }) {
  const o = opsText(ctx.lang);
  const [state, setState] = useState<'live' | 'past'>('live');
  const [code, setCode] = useState('');
  const [items, setItems] = useState<Item[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = async (c: string) => {
    setError(null);
    try {
      setItems((await ctx.api.call('GET /api/admin/rooms', { query: { state, limit: 50, ...(c.length === 6 ? { code: c } : {}) } })).items);
    } catch (e) {
      setError(consoleError(ctx.lang, e));
    }
  };
  useEffect(() => {
    void load(code);
  }, [state]);

  return (
    <main data-testid="rooms-page">
      <section class="card">
        <h1>{o('roomsTitle')}</h1>
        <p class="muted small">{o('roomsHint')}</p>
        <RoomsToolbar o={o} state={state} setState={setState} code={code} setCode={setCode} onFind={() => void load(code)} />
        {error && <p class="error">{error}</p>}
        {items && items.length === 0 && <p class="muted">{o('noRooms')}</p>}
        {items && items.length > 0 && <RoomTable o={o} items={items} />}
      </section>
    </main>
  );
}

function RoomDetail({ ctx, roomId }: { ctx: Ctx; roomId: string }) {
  const o = opsText(ctx.lang);
  const [view, setView] = useState<View | null>(null);
  const [record, setRecord] = useState<HandRecord | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    ctx.api.call('GET /api/admin/rooms/:roomId', { params: { roomId } }).then(setView, (e: unknown) => setError(consoleError(ctx.lang, e)));
  }, [roomId]);

  const open = async (handNumber: number) => {
    setError(null);
    try {
      const r = await ctx.api.call('GET /api/admin/rooms/:roomId/hands/:handNumber', { params: { roomId, handNumber } });
      setRecord(r.record as HandRecord);
    } catch (e) {
      setError(consoleError(ctx.lang, e));
    }
  };

  const nick = (playerId: string) => view?.members.find((m) => m.playerId === playerId)?.nickname ?? playerId;
  const hand = view?.hand ? (view.hand.view as SpectatorHand) : null;
  return (
    <main data-testid="room-detail">
      <a href="#/rooms" class="link">
        ← {o('roomsTitle')}
      </a>
      {error && <p class="error">{error}</p>}
      {view && <RoomFacts o={o} view={view} />}
      {view?.hand && hand && <SpectatorHandCard o={o} current={view.hand} hand={hand} />}
      {view && <RoomHands o={o} view={view} onOpen={open} />}
      {record && <HandReplay o={o} record={record} nick={nick} />}
    </main>
  );
}

interface ToolbarProps {
  o: OpsT;
  state: 'live' | 'past';
  setState(state: 'live' | 'past'): void;
  code: string;
  setCode(code: string): void;
  onFind(): void;
}

/** Live or past rooms, and the search by room code. */
function RoomsToolbar({ o, state, setState, code, setCode, onFind }: ToolbarProps) {
  return (
    <div class="toolbar">
      <fieldset class="segmented">
        {(['live', 'past'] as const).map((s) => (
          <button key={s} type="button" class={s === state ? 'on' : ''} onClick={() => setState(s)} data-testid={`rooms-${s}`}>
            {o(s === 'live' ? 'roomsLive' : 'roomsPast')}
          </button>
        ))}
      </fieldset>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          onFind();
        }}
      >
        <input
          placeholder={o('roomCode')}
          inputMode="numeric"
          pattern="[0-9]{6}"
          value={code}
          onInput={(e) => setCode((e.target as HTMLInputElement).value)}
          data-testid="room-code-search"
        />
        <button type="submit" class="secondary">
          {o('find')}
        </button>
      </form>
    </div>
  );
}

function RoomTable({ o, items }: { o: OpsT; items: Item[] }) {
  return (
    <div class="scroll">
      <table>
        <tbody>
          {items.map((r) => (
            <tr key={r.id} data-testid="room-row" data-code={r.code} data-status={r.status}>
              <td>
                <a href={`#/rooms/${encodeURIComponent(r.id)}`} data-testid={`room-${r.code}`}>
                  <strong>{r.code}</strong>
                </a>
              </td>
              <td>{o(`roomStatus_${r.status}` as OpsKey)}</td>
              <td>
                {o('owner')} {r.ownerNickname ?? r.ownerId}
              </td>
              <td>
                {o('seats', { n: r.seats })} · {o('rounds', { n: r.rounds })} · {o('handsPlayed', { n: r.handsPlayed })}
              </td>
              <td>{o('members', { n: r.members })}</td>
              <td class="muted small">
                {o('created', { time: formatTimeMs(r.createdAtMs) })}
                {r.endedAtMs !== null && ` · ${o('ended', { time: formatTimeMs(r.endedAtMs) })}`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The room's code, status and size, and its members with their roles and scores. */
function RoomFacts({ o, view }: { o: OpsT; view: View }) {
  return (
    <section class="card">
      <h1>{o('roomTitle', { code: view.room.code })}</h1>
      <p class="muted small">
        {o(`roomStatus_${view.room.status}` as OpsKey)} · {o('seats', { n: view.room.seats })} · {o('rounds', { n: view.room.rounds })} ·{' '}
        {o('handsPlayed', { n: view.room.handsPlayed })} · <code translate={false}>{view.room.id}</code>
      </p>
      {!view.live && (view.room.status === 'waiting' || view.room.status === 'playing') && <p class="muted">{o('notLiveHere')}</p>}
      <table>
        <tbody>
          {view.members.map((m) => (
            <tr key={m.playerId}>
              <td>{m.seat === null ? '—' : o('seat', { n: m.seat })}</td>
              <td>
                <a href={`#/players/${encodeURIComponent(m.playerId)}`}>{m.nickname}</a>
              </td>
              <td>{word(o, 'role', m.role)}</td>
              <td>{word(o, 'member', m.status)}</td>
              <td class="num">{view.scores.find((s) => s.playerId === m.playerId)?.points ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The hand in progress as a spectator sees it: only the cards shown to all. */
function SpectatorHandCard({ o, current, hand }: { o: OpsT; current: NonNullable<View['hand']>; hand: SpectatorHand }) {
  return (
    <section class="card" data-testid="spectator-hand">
      <h2>{o('currentHand', { n: current.handNumber })}</h2>
      <p class="muted small">
        {o('round', { n: hand.round })} · {o('pot', { n: hand.potPoints })}
        {hand.turnSeat !== null && ` · ${o('turn', { seat: hand.turnSeat })}`} ·{' '}
        <code translate={false}>{current.commitment.slice(0, 16)}…</code>
      </p>
      <ul class="list">
        {hand.players.map((p) => (
          <li key={p.seat} data-testid="spectator-seat" data-cards={p.cards === null ? 'hidden' : 'shown'}>
            <span>
              {o('seat', { n: p.seat })} · {p.status === 'folded' ? o('folded') : p.seen ? o('seen') : ''}
            </span>
            <span>
              {(p.cards ?? [null, null, null]).map((c, i) => (
                <Card key={i} card={c} />
              ))}{' '}
              <span class="muted small">{p.contributedPoints}</span>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The room's finished hands, each record opened on request (audited), or when they were archived. */
function RoomHands({ o, view, onOpen }: { o: OpsT; view: View; onOpen: (handNumber: number) => Promise<void> }) {
  return (
    <section class="card" data-testid="room-hands">
      <h2>{o('handsTitle')}</h2>
      {view.hands.length === 0 && <p class="muted">{o('noHands')}</p>}
      {view.archivedAtMs !== undefined && (
        <p class="muted" data-testid="room-hands-archived">
          {o('handsArchived', { at: formatTimeMs(view.archivedAtMs) })}
        </p>
      )}
      <ul class="list">
        {view.hands.map((h) => (
          <li key={h.handNumber}>
            <span>
              #{h.handNumber} · {formatTimeMs(h.endedAtMs)} · <code translate={false}>{h.recordHash.slice(0, 12)}</code>
            </span>
            <button type="button" class="link" onClick={() => void onOpen(h.handNumber)} data-testid={`view-hand-${h.handNumber}`}>
              {o('viewHand')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function HandReplay({ o, record, nick }: { o: OpsT; record: HandRecord; nick: (id: string) => string }) {
  const actions = record.actions ?? [];
  const [step, setStep] = useState(0);
  const shown = actions.slice(0, step);
  const folded = new Set(shown.filter((a) => a.type === 'fold').map((a) => a.seat));
  const done = step >= actions.length;
  return (
    <section class="card" data-testid="hand-replay" data-hand={record.handNumber}>
      <h2>{o('handTitle', { n: record.handNumber })}</h2>
      <p class="ok small">{o('handAudited')}</p>
      <p class="muted small">
        {o('seeds', { commitment: (record.serverCommitment ?? '').slice(0, 16), seed: (record.serverSeed ?? '').slice(0, 16) })}
      </p>
      <ul class="list">
        {record.players.map((p) => (
          <li key={p.seat} class={folded.has(p.seat) ? 'dim' : ''}>
            <span>
              {o('seat', { n: p.seat })} · {nick(p.playerId)}
            </span>
            <span>
              {p.cards.map((c) => (
                <Card key={c} card={c} />
              ))}
            </span>
          </li>
        ))}
      </ul>
      <div class="toolbar">
        <span class="muted small" data-testid="replay-step">
          {o('step', { i: step, n: actions.length })}
        </span>
        <span>
          <button type="button" class="secondary" disabled={step === 0} onClick={() => setStep(0)}>
            {o('replayStart')}
          </button>{' '}
          <button type="button" class="secondary" disabled={step === 0} onClick={() => setStep(step - 1)}>
            {o('replayPrev')}
          </button>{' '}
          <button type="button" class="primary" disabled={done} onClick={() => setStep(step + 1)} data-testid="replay-next">
            {o('replayNext')}
          </button>
        </span>
      </div>
      <ol class="actions">
        {shown.map((a, i) => (
          <li key={`${i}-${a.atMs}`}>
            {o('seat', { n: a.seat })} · <strong>{a.type}</strong>
            {a.toStakePoints !== undefined && ` → ${a.toStakePoints}`}
            {a.targetSeat !== undefined && ` ↔ ${o('seat', { n: a.targetSeat })}`}
            {a.auto && ' (auto)'}
          </li>
        ))}
      </ol>
      {done && record.deltas && (
        <p data-testid="replay-result">
          <strong>{o('result')}</strong>{' '}
          {record.deltas.map((d) => `${o('seat', { n: d.seat })} ${d.points > 0 ? '+' : ''}${d.points}`).join(' · ')}
        </p>
      )}
    </section>
  );
}
