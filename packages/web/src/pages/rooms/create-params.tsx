// The first step of creating a room: the parameters, with the server's defaults, sliders and presets, and the advanced rules folded away.
import { DEFAULT_PARAMS, SEATS_MAX, SEATS_MIN, TURN_TIME_CHOICES_S } from '@fairground/server/room-defaults';
import type { RoomWords } from './i18n.ts';

export interface Params {
  mode: 'classic' | 'custom';
  seats: number;
  rounds: number;
  baseScore: number;
  spectators: boolean;
  friendsVisible: boolean;
  voiceChat: boolean;
  turnTimeS: number;
  trusteeship: 'off' | 'call';
  stakeCapMultiple: number;
  bettingRoundsMax: number;
  compareFromRound: number;
  blindRounds: number;
  leopardMultiplier: number;
  straightFlushMultiplier: number;
  sameIpAllowed: boolean;
  identityCheck: boolean;
}

/** The server's defaults (seed §二), so the form starts where the server would fill in. */
export const DEFAULTS: Params = { ...DEFAULT_PARAMS };

const ROUND_PRESETS = [8, 10, 12, 16];
const TURN_TIMES_S = TURN_TIME_CHOICES_S;

type SetParam = <K extends keyof Params>(k: K, v: Params[K]) => void;

function toggle(
  p: Params,
  set: SetParam,
  k: 'spectators' | 'friendsVisible' | 'voiceChat' | 'sameIpAllowed' | 'identityCheck',
  label: string,
) {
  return (
    <label class="switch">
      <input type="checkbox" checked={p[k]} onChange={(e) => set(k, (e.target as HTMLInputElement).checked)} data-testid={`param-${k}`} />
      {label}
    </label>
  );
}

function slider(p: Params, set: SetParam, k: keyof Params, label: string, min: number, max: number, disabled = false) {
  return (
    <label class="slider">
      <span>
        {label} <strong data-testid={`value-${k}`}>{String(p[k])}</strong>
      </span>
      <input
        type="range"
        min={min}
        max={max}
        value={p[k] as number}
        disabled={disabled}
        onInput={(e) => set(k, Number((e.target as HTMLInputElement).value) as never)}
        data-testid={`param-${k}`}
      />
    </label>
  );
}

export function ParamsStep({
  t,
  p,
  setP,
  advanced,
  setAdvanced,
  onNext,
}: {
  t: RoomWords;
  p: Params;
  setP: (update: (x: Params) => Params) => void;
  advanced: boolean;
  setAdvanced: (on: boolean) => void;
  onNext: () => void;
}) {
  const set: SetParam = (k, v) => setP((x) => ({ ...x, [k]: v }));
  return (
    <section class="card">
      <h1>{t('stepParams')}</h1>
      <div class="segmented" title={t('mode')}>
        {(['classic', 'custom'] as const).map((m) => (
          <button
            key={m}
            type="button"
            class={p.mode === m ? 'on' : ''}
            onClick={() => setP((x) => ({ ...x, mode: m, seats: m === 'classic' ? 3 : x.seats }))}
            data-testid={`mode-${m}`}
          >
            {t(m)}
          </button>
        ))}
      </div>
      {slider(p, set, 'seats', t('seats'), SEATS_MIN, SEATS_MAX, p.mode === 'classic')}
      <div class="presets" title={t('rounds')}>
        <span>{t('rounds')}</span>
        {ROUND_PRESETS.map((r) => (
          <button key={r} type="button" class={p.rounds === r ? 'on' : ''} onClick={() => set('rounds', r)} data-testid={`rounds-${r}`}>
            {r}
          </button>
        ))}
      </div>
      {slider(p, set, 'baseScore', t('baseScore'), 1, 10)}
      {toggle(p, set, 'spectators', t('spectators'))}
      {toggle(p, set, 'friendsVisible', t('friendsVisible'))}
      {toggle(p, set, 'voiceChat', t('voiceChat'))}
      <button type="button" class="link" onClick={() => setAdvanced(!advanced)} data-testid="toggle-advanced">
        {t('advanced')} {advanced ? '▲' : '▼'}
      </button>
      {advanced && <AdvancedRules t={t} p={p} set={set} />}
      <button type="button" class="primary" onClick={onNext} data-testid="create-next">
        {t('next')}
      </button>
    </section>
  );
}

/** The advanced rules: turn time, trusteeship, stake cap, betting rounds, compare and blind rounds, special-hand multipliers, same-IP and identity checks. */
function AdvancedRules({ t, p, set }: { t: RoomWords; p: Params; set: SetParam }) {
  return (
    <div class="advanced">
      <div class="presets" title={t('turnTime')}>
        <span>{t('turnTime')}</span>
        {TURN_TIMES_S.map((s) => (
          <button key={s} type="button" class={p.turnTimeS === s ? 'on' : ''} onClick={() => set('turnTimeS', s)}>
            {t('seconds', { n: s })}
          </button>
        ))}
      </div>
      <div class="segmented" title={t('trusteeship')}>
        <button type="button" class={p.trusteeship === 'off' ? 'on' : ''} onClick={() => set('trusteeship', 'off')}>
          {t('trustOff')}
        </button>
        <button
          type="button"
          class={p.trusteeship === 'call' ? 'on' : ''}
          onClick={() => set('trusteeship', 'call')}
          data-testid="trust-call"
        >
          {t('trustCall')}
        </button>
      </div>
      {slider(p, set, 'stakeCapMultiple', t('stakeCap'), 2, 20)}
      {slider(p, set, 'bettingRoundsMax', t('bettingRounds'), 2, 30)}
      {slider(p, set, 'compareFromRound', t('compareFrom'), 1, 3)}
      {slider(p, set, 'blindRounds', t('blindRounds'), 0, 3)}
      {p.mode === 'custom' && slider(p, set, 'leopardMultiplier', t('leopard'), 0, 10)}
      {p.mode === 'custom' && slider(p, set, 'straightFlushMultiplier', t('straightFlush'), 0, 10)}
      {toggle(p, set, 'sameIpAllowed', t('sameIp'))}
      {toggle(p, set, 'identityCheck', t('identityCheck'))}
    </div>
  );
}
