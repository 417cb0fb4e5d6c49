// The panels under the felt: the finished hand's result, the scoreboard (shareable at the end), the last hand's fairness data and the owner's rules form.
import { useState } from 'preact/hooks';
import type { ShareOutcome } from '../../shared/wechat.ts';
import type { RoomView } from './channel.ts';
import type { RoomWords } from './i18n.ts';
import { Avatar, Cards, categoryWords } from './table-faces.tsx';
import type { HandRecordView } from './table-layout.ts';

export function ResultPanel({
  t,
  record,
  nameOf,
  mySeat,
}: {
  t: RoomWords;
  record: HandRecordView;
  nameOf: (id: string) => string;
  mySeat: number | null;
}) {
  const winners = record.result?.winnerSeats ?? [];
  const lastCompare = [...record.actions].reverse().find((a) => a.type === 'compare');
  const rows = [...record.players].sort(
    (a, b) => (record.deltas.find((d) => d.seat === b.seat)?.points ?? 0) - (record.deltas.find((d) => d.seat === a.seat)?.points ?? 0),
  );
  return (
    <section class="card result-panel" data-testid="result-panel" data-hand={record.handNumber}>
      <h2>{t('resultTitle', { n: record.handNumber })}</h2>
      {lastCompare?.targetSeat !== undefined && (
        <p class="small muted">
          {t('lastCompare', {
            a: nameOf(record.players.find((p) => p.seat === lastCompare.seat)?.playerId ?? ''),
            b: nameOf(record.players.find((p) => p.seat === lastCompare.targetSeat)?.playerId ?? ''),
          })}
        </p>
      )}
      <ul class="result-rows">
        {rows.map((p) => {
          const points = record.deltas.find((d) => d.seat === p.seat)?.points ?? 0;
          return (
            <li
              key={p.seat}
              class={`${winners.includes(p.seat) ? 'winner' : ''}${p.seat === mySeat ? ' mine' : ''}`}
              data-testid={`result-${p.seat}`}
              data-points={points}
            >
              <Avatar name={nameOf(p.playerId)} size="sm" />
              <span class="result-name">
                {nameOf(p.playerId)}
                {winners.includes(p.seat) && <span class="tag ok">{t('won')}</span>}
              </span>
              <Cards cards={p.cards} testId={`result-${p.seat}-cards`} size="sm" />
              <span class="category small">{categoryWords(t, p.cards)}</span>
              <strong class={points > 0 ? 'delta up' : 'delta'}>{points > 0 ? `+${points}` : points}</strong>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export function Scoreboard({
  t,
  room,
  final,
  shared,
  onShare,
}: {
  t: RoomWords;
  room: RoomView;
  final: boolean;
  shared: ShareOutcome | null;
  onShare: () => void;
}) {
  const lines = [...room.scores].sort((a, b) => b.points - a.points);
  return (
    <section class={`card${final ? ' final-scores' : ''}`} data-testid="scoreboard" data-final={String(final)}>
      <h2>
        {final ? t('finalScores') : t('scoreboard')}{' '}
        <span class="muted small">
          {room.handsPlayed}/{String(room.params.rounds)} {t('handsLabel')}
        </span>
      </h2>
      <ol class="scores">
        {lines.map((l, i) => (
          <li key={l.playerId} data-player={l.playerId} data-points={l.points}>
            <span class="rank">{i + 1}</span>
            <Avatar name={l.nickname} size="sm" />
            <span class="score-name">{l.nickname}</span>
            <strong class={l.points > 0 ? 'delta up' : l.points < 0 ? 'delta' : ''}>{l.points > 0 ? `+${l.points}` : l.points}</strong>
          </li>
        ))}
      </ol>
      {final && lines.length > 0 && (
        <button type="button" class="primary wechat" onClick={onShare} data-testid="share-scores">
          {t('shareScores')}
        </button>
      )}
      {shared && (
        <p class="muted small" role="status" data-testid="share-scores-outcome">
          {t(`shared_${shared}`)}
        </p>
      )}
    </section>
  );
}

export function LastHand({ t, room }: { t: RoomWords; room: RoomView }) {
  const last = room.last;
  if (last === null) return null;
  return (
    <section class="card fairness-card" data-testid="last-hand" data-hand={last.handNumber}>
      <h2>
        {t('fairness')} <span class="muted small">{t('handN', { n: last.handNumber })}</span>
      </h2>
      <p class="small muted">{t('fairnessHint')}</p>
      <dl class="mono small" data-testid="fairness-data">
        <dt>{t('commitment')}</dt>
        <dd data-testid="last-commitment">{last.commitment}</dd>
        <dt>{t('serverSeed')}</dt>
        <dd data-testid="last-server-seed">{last.serverSeed}</dd>
        <dt>{t('clientSeed')}</dt>
        <dd data-testid="last-client-seed">{last.clientSeed}</dd>
      </dl>
      <a class="pill" href={`#/fairness?id=${room.id}/${last.handNumber}`} data-testid="verify-last-hand">
        {t('verify')}
      </a>
    </section>
  );
}

export function RulesForm({
  t,
  room,
  send,
}: {
  t: RoomWords;
  room: RoomView;
  send: (f: Record<string, unknown> & { t: string }) => Promise<void>;
}) {
  const [base, setBase] = useState(Number(room.params.baseScore));
  const [turn, setTurn] = useState(Number(room.params.turnTimeS));
  const [spectators, setSpectators] = useState(room.params.spectators === true);
  const [friends, setFriends] = useState(room.params.friendsVisible === true);
  return (
    <details class="card">
      <summary data-testid="rules-toggle">{t('rulesChange')}</summary>
      <label class="slider">
        <span>
          {t('baseScore')} <strong>{base}</strong>
        </span>
        <input
          type="range"
          min={1}
          max={10}
          value={base}
          onInput={(e) => setBase(Number((e.target as HTMLInputElement).value))}
          data-testid="rules-base"
        />
      </label>
      <div class="presets">
        <span>{t('turnTime')}</span>
        {[15, 30, 60, 90, 120].map((s) => (
          <button key={s} type="button" class={turn === s ? 'on' : ''} onClick={() => setTurn(s)}>
            {t('seconds', { n: s })}
          </button>
        ))}
      </div>
      <label class="switch">
        <input type="checkbox" checked={spectators} onChange={(e) => setSpectators((e.target as HTMLInputElement).checked)} />
        {t('spectators')}
      </label>
      <label class="switch">
        <input type="checkbox" checked={friends} onChange={(e) => setFriends((e.target as HTMLInputElement).checked)} />
        {t('friendsVisible')}
      </label>
      <button
        type="button"
        class="primary"
        onClick={() => send({ t: 'rules', changes: { baseScore: base, turnTimeS: turn, spectators, friendsVisible: friends } })}
        data-testid="rules-save"
      >
        {t('save')}
      </button>
    </details>
  );
}
