// The fair-play page: the linked-account rule as the platform applies it, what the fair-play
// policy did to live rooms (each dissolution with its evidence and outcome, from
// `Risk.roomActions`), the head-to-head matches held for review (settled or voided here), and a
// lookup of any player's linked group with the evidence of each link.
import { ApiError, formatTimeMs, type Response } from '@fairground/web';
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { fairPlayText } from './fair-play-i18n.ts';

type RoomAction = Response<'GET /api/admin/risk/room-actions'>['items'][number];
type Links = Response<'GET /api/admin/risk/players/:playerId/links'>;
type Held = Response<'GET /api/admin/skill/matches/held'>['items'][number];

const message = (e: unknown) => (e instanceof ApiError ? `${e.code}: ${e.message}` : String(e));

/** The evidence the `risk.hands` job stores with a dissolution. */
interface PairEvidence {
  readonly pair?: readonly string[];
  readonly hands?: number;
  readonly avoidancePermille?: number | null;
  readonly oneWayPermille?: number | null;
}

export function FairPlayPage({ ctx, playerId }: { ctx: Ctx; playerId: string | undefined }) {
  const f = fairPlayText(ctx.lang);
  const [actions, setActions] = useState<RoomAction[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    ctx.api.call('GET /api/admin/risk/room-actions', { query: { limit: 50 } }).then(
      (r) => setActions(r.items),
      (e: unknown) => setError(message(e)),
    );
  }, [ctx.api]);
  return (
    <main data-testid="fair-play-page">
      <section class="card" data-testid="linked-rule">
        <h2>{f('title')}</h2>
        <h3>{f('ruleTitle')}</h3>
        <ul class="list small">
          <li class="fair-row">{f('rule1')}</li>
          <li class="fair-row">{f('rule2')}</li>
          <li class="fair-row">{f('rule3')}</li>
        </ul>
      </section>
      <section class="card">
        <h3>{f('actionsTitle')}</h3>
        {error && (
          <p class="error" role="alert">
            {f('error', { message: error })}
          </p>
        )}
        {actions?.length === 0 && <p class="muted">{f('none')}</p>}
        <ul class="list" data-testid="room-actions">
          {actions?.map((a) => {
            const ev = (a.evidence ?? {}) as PairEvidence;
            return (
              <li key={a.roomId} class="fair-row" data-testid="room-action" data-status={a.status} data-room={a.roomId}>
                <strong>{f(`reason_${a.reason}`)}</strong> · {f(`status_${a.status}`)} ·{' '}
                <a href={`#/rooms/${encodeURIComponent(a.roomId)}`}>
                  {f('room')} <code>{a.roomId}</code>
                </a>
                <br />
                <small>
                  {ev.pair && (
                    <span data-testid="room-action-pair">
                      {f('pair')}{' '}
                      {ev.pair.map((p) => (
                        <a key={p} href={`#/fair-play/${encodeURIComponent(p)}`}>
                          <code>{p}</code>{' '}
                        </a>
                      ))}
                    </span>
                  )}
                  {ev.hands !== undefined && <> · {f('hands', { n: ev.hands })}</>}
                  {ev.avoidancePermille != null && <> · {f('avoidance', { v: ev.avoidancePermille })}</>}
                  {ev.oneWayPermille != null && <> · {f('oneWay', { v: ev.oneWayPermille })}</>} · {f('attempts', { n: a.attempts })} ·{' '}
                  {formatTimeMs(a.updatedAtMs)}
                </small>
                {a.lastError && <p class="error small">{a.lastError}</p>}
              </li>
            );
          })}
        </ul>
      </section>
      <HeldMatches ctx={ctx} />
      <PlayerLinks ctx={ctx} playerId={playerId} />
    </main>
  );
}

/** A player's linked group and the evidence of each direct link (also shown on review cases). */
export function PlayerLinks({ ctx, playerId }: { ctx: Ctx; playerId: string | undefined }) {
  const f = fairPlayText(ctx.lang);
  const [id, setId] = useState(playerId ?? '');
  const [links, setLinks] = useState<Links | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = (who: string) => {
    setError(null);
    ctx.api.call('GET /api/admin/risk/players/:playerId/links', { params: { playerId: who } }).then(setLinks, (e: unknown) => {
      setLinks(null);
      setError(message(e));
    });
  };
  useEffect(() => {
    if (playerId) load(playerId);
  }, [playerId]);
  return (
    <section class="card" data-testid="player-links">
      <h3>{f('lookupTitle')}</h3>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (id.trim() !== '') load(id.trim());
        }}
      >
        <label>
          {f('playerId')}
          <input value={id} onInput={(e) => setId((e.target as HTMLInputElement).value)} data-testid="links-player" autoCapitalize="off" />
        </label>
        <button type="submit" data-testid="links-lookup">
          {f('lookup')}
        </button>
      </form>
      {error && (
        <p class="error" role="alert">
          {f('error', { message: error })}
        </p>
      )}
      {links && <LinksResult ctx={ctx} links={links} />}
    </section>
  );
}

/** Matches held for review (linked opponents, copied moves): settle by the scores or void, with a reason (audited). */
function HeldMatches({ ctx }: { ctx: Ctx }) {
  const f = fairPlayText(ctx.lang);
  const [items, setItems] = useState<Held[] | null>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    ctx.api.call('GET /api/admin/skill/matches/held', {}).then(
      (r) => setItems(r.items),
      (e: unknown) => setError(message(e)),
    );
  useEffect(() => {
    void load();
  }, [ctx.api]);
  const resolve = async (matchId: string, decision: 'settle' | 'void') => {
    setError(null);
    try {
      await ctx.api.call('POST /api/admin/skill/matches/:matchId/resolve', { params: { matchId }, body: { decision, reason } });
      setReason('');
      await load();
    } catch (e) {
      setError(message(e));
    }
  };
  return (
    <section class="card" data-testid="held-matches">
      <h3>{f('heldTitle')}</h3>
      {items?.length === 0 && <p class="muted">{f('none')}</p>}
      {items !== null && items.length > 0 && (
        <label>
          {f('resolveReason')}
          <input value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} data-testid="held-reason" />
        </label>
      )}
      <ul class="list">
        {items?.map((m) => (
          <HeldRow
            key={m.matchId}
            ctx={ctx}
            m={m}
            reasonGiven={reason.trim().length >= 4}
            onResolve={(decision) => resolve(m.matchId, decision)}
          />
        ))}
      </ul>
      {error && (
        <p class="error" role="alert">
          {f('error', { message: error })}
        </p>
      )}
    </section>
  );
}

/** The linked group found, its shared signals, and the evidence of each link. */
function LinksResult({ ctx, links }: { ctx: Ctx; links: Links }) {
  const f = fairPlayText(ctx.lang);
  return (
    <div data-testid="links-result" data-group={links.group.length}>
      <p class="small muted">
        {f('shared', {
          device: links.shared.device ?? 0,
          wechat: links.shared.wechat ?? 0,
          unionid: links.shared.unionid ?? 0,
          address: links.shared.address ?? 0,
        })}
      </p>
      <h4>{links.group.length === 0 ? f('noGroup') : f('group', { n: links.group.length })}</h4>
      <ul class="list">
        {links.group.map((p) => (
          <li key={p} data-testid="links-member">
            <a href={`#/players/${encodeURIComponent(p)}`}>
              <code>{p}</code>
            </a>
          </li>
        ))}
      </ul>
      <ul class="list small">
        {links.evidence.map((e) => (
          <li
            key={`${e.playerId}-${e.kind}-${e.digest}`}
            class="fair-row"
            data-testid="links-evidence"
            data-kind={e.kind}
            data-strong={String(e.strong)}
          >
            <code>{e.playerId}</code> · {f(`kind_${e.kind}`)} ({e.strong ? f('strong') : f('weak')}) · {e.sources.join(' / ')} ·{' '}
            <code>{e.digest}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

interface HeldRowProps {
  ctx: Ctx;
  m: Held;
  /** A reason long enough to act on was written. */
  reasonGiven: boolean;
  onResolve(decision: 'settle' | 'void'): Promise<void>;
}

function HeldRow({ ctx, m, reasonGiven, onResolve }: HeldRowProps) {
  const f = fairPlayText(ctx.lang);
  return (
    <li class="fair-row" data-testid="held-match" data-match={m.matchId}>
      <code>{m.matchId}</code> · {m.game} · {m.entryFeeFen} fen
      <br />
      <small>
        {f('host')} <code>{m.hostPlayerId}</code> · {f('challenger')} <code>{m.challengerPlayerId}</code>
      </small>
      <div class="row">
        <button type="button" disabled={!reasonGiven} onClick={() => onResolve('settle')} data-testid="held-settle">
          {f('settle')}
        </button>
        <button type="button" class="danger" disabled={!reasonGiven} onClick={() => onResolve('void')} data-testid="held-void">
          {f('void')}
        </button>
      </div>
    </li>
  );
}
