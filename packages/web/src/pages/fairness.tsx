// The fairness page: give it a hand (`room_…/3`, the room and the hand's number) or a skill game
// session (`ss_…`); it fetches the commitment made before play and the seed revealed after, and
// re-runs everything here, in this browser, with the same rules module the server runs: the seed
// against its commitment — the one this device received before the deal and kept, not only the
// stored record's — the closed client commitments against the client seed, the shuffle and
// the deal against the cards the record shows, and every action up to the result (for a session,
// the whole puzzle replay up to its score). Each check is shown as it passes or fails. A hand also
// shows its time-stamp attestation: the authority's time and name, its Merkle proof checked here.
import { type HandRecordWire, hexToBytes, replaySkillGame, type SkillCommand, verifyHandRecord, verifyServerSeed } from '@fairground/rules';
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import type { ApiClient, Response } from '../shared/api.ts';
import { errorText } from '../shared/errors.ts';
import { keptHand } from './rooms/kept-commitments.ts';
import { HandAttestation } from './rooms/attestation.tsx';

const TEXT = {
  zh: {
    title: '公平性验证',
    hint: '输入 6 位房间号和第几局（如 123456 3），或从牌桌、牌局记录点“验证这一局”。技巧赛请输入对局编号。验证在你的手机上用同一套规则完成，不依赖服务器的结论。',
    id: '牌局或对局编号',
    verify: '验证',
    verifying: '正在本机重算…',
    match: '一致：这一局是公平的',
    mismatch: '不一致：请联系客服',
    badId: '格式不对：请输入 6 位房间号和第几局，如 123456 3。',
    check_commitment: '服务器种子与开局前公布的承诺相符',
    check_clientSeed: '发牌前截止的玩家种子承诺合成的客户端种子相符',
    check_kept: '与本机发牌前收到并保存的承诺相符',
    notKept: '本机没有保存这一局发牌前的承诺（换了设备或没有在座），只核对了服务器的记录。',
    check_deal: '用种子重新洗牌发牌，每位玩家的牌与记录相同',
    check_replay: '按记录的每一步重放，结果与服务器相同',
    check_score: '重放全部操作，得分与服务器相同',
    check_stateHash: '重放后的局面哈希与服务器相同',
    commitment: '承诺',
    seed: '种子',
    steps: '{n} 步',
  },
  en: {
    title: 'Verify fairness',
    hint: 'Enter the 6-digit room code and the hand number (like 123456 3), or tap “Verify this hand” at the table or in the hand history. For a skill game, enter its game number. The check runs on your phone with the same rules, not on the server’s word.',
    id: 'Hand or session',
    verify: 'Verify',
    verifying: 'Recomputing here…',
    match: 'Match: this game was fair',
    mismatch: 'Mismatch: please contact support',
    badId: 'Enter the 6-digit room code and the hand number, like 123456 3.',
    check_commitment: 'The server seed matches the commitment published before play',
    check_clientSeed: 'The players’ seed commitments, closed before the deal, combine to the client seed used',
    check_kept: 'It all matches the commitments this device received before the deal and kept',
    notKept:
      'This device kept no commitments for this hand (another device, or you were not seated): only the server’s record was checked.',
    check_deal: 'Shuffling and dealing again from the seeds gives every player the recorded cards',
    check_replay: 'Replaying every recorded action gives the server’s result',
    check_score: 'Replaying every move gives the server’s score',
    check_stateHash: 'The replayed final position hashes to the server’s',
    commitment: 'Commitment',
    seed: 'Seed',
    steps: '{n} steps',
  },
} as const;
type Words = (typeof TEXT)['zh'] | (typeof TEXT)['en'];
type CheckKey = 'commitment' | 'clientSeed' | 'kept' | 'deal' | 'replay' | 'score' | 'stateHash';

interface Check {
  readonly key: CheckKey;
  readonly ok: boolean;
  readonly detail?: string;
}

interface Outcome {
  readonly kind: 'hand' | 'session';
  readonly commitment: string;
  readonly seed: string;
  readonly steps: number;
  readonly checks: readonly Check[];
  /** A hand this device kept nothing for (its record alone was checked). */
  readonly notKept?: boolean;
}

const HAND_ID = /^(room_[A-Za-z0-9_-]{1,58})[/#:](\d{1,6})$/;
/** The way players know a hand: the 6-digit room code and the hand number (`123456 3`, `123456/3`, `123456 第3局`). */
const CODE_HAND = /^(\d{6})\s*(?:[/#:：,，-]|\s)\s*(?:第\s*)?(\d{1,6})\s*(?:局)?$/;
const SESSION_ID = /^ss_[A-Za-z0-9_-]{1,61}$/;

/** Everything the server recorded about a hand, checked again here (the shared checks of @fairground/rules). */
export function verifyHand(roomId: string, r: HandRecordWire): Outcome {
  const verdict = verifyHandRecord(r, keptHand(roomId, r.handNumber));
  return {
    kind: 'hand',
    commitment: r.serverCommitment,
    seed: r.serverSeed,
    steps: r.actions.length,
    checks: verdict.checks,
    notKept: verdict.notKept,
  };
}

type Replay = Response<'GET /api/skill/sessions/:sessionId/replay'>;
type VerifiedHand = { roomId: string; handNumber: number; record: HandRecordWire };

/** A skill game session replayed here: its seed against the commitment, then every move to the score. */
function verifySession(rep: Replay): Outcome {
  const seed = hexToBytes(rep.seedHex);
  const checks: Check[] = [{ key: 'commitment', ok: seed !== null && verifyServerSeed(rep.seedHex, rep.commitment) }];
  if (seed !== null) {
    const end = rep.endReason === 'time' || rep.endReason === 'stopped' ? rep.endReason : null;
    const replay = replaySkillGame(seed, rep.config, rep.commands as SkillCommand[], end);
    checks.push({
      key: 'score',
      ok: replay.ok && replay.view.score === rep.score,
      detail: replay.ok ? String(replay.view.score) : '',
    });
    checks.push({ key: 'stateHash', ok: replay.ok && replay.stateHash === rep.stateHash });
  }
  return { kind: 'session', commitment: rep.commitment, seed: rep.seedHex, steps: rep.commands.length, checks };
}

/** A room code names a room while it is open; the player's own rooms remember it after. */
async function roomIdOfCode(api: ApiClient, code: string): Promise<string> {
  const mine = await api.call('GET /api/rooms/mine', {});
  const known = mine.rooms.find((r) => r.code === code);
  if (known) return known.roomId;
  return (await api.call('GET /api/rooms/code/:code', { params: { code } })).roomId;
}

/** The hand named by its room id or room code and number, as the server recorded it. */
async function fetchHand(api: ApiClient, hand: RegExpExecArray | null, byCode: RegExpExecArray | null): Promise<VerifiedHand> {
  const handNumber = Number((hand ?? byCode)?.[2]);
  const roomId = hand ? (hand[1] as string) : await roomIdOfCode(api, byCode?.[1] as string);
  const page = await api.call('GET /api/rooms/:roomId/hands', { params: { roomId }, query: { after: handNumber - 1 } });
  const record = (page.hands as HandRecordWire[]).find((h) => h.handNumber === handNumber);
  if (!record) throw { code: 'ANALYTICS_HAND_NOT_FOUND' };
  return { roomId, handNumber, record };
}

export function FairnessPage({ ctx }: { ctx: Ctx }) {
  const t: Words = TEXT[ctx.lang];
  const initial = new URLSearchParams(location.hash.split('?')[1] ?? '').get('id') ?? '';
  const [id, setId] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  /** The hand just verified, for its time-stamp attestation beside the verdict. */
  const [hand, setHand] = useState<VerifiedHand | null>(null);
  const [error, setError] = useState<string | null>(null);

  const run = async (value: string) => {
    const text = value.trim();
    setOutcome(null);
    setHand(null);
    setError(null);
    const handId = HAND_ID.exec(text);
    const byCode = CODE_HAND.exec(text);
    if (!handId && !byCode && !SESSION_ID.test(text)) {
      setError(t.badId);
      return;
    }
    setBusy(true);
    try {
      if (handId || byCode) {
        const found = await fetchHand(ctx.api, handId, byCode);
        setOutcome(verifyHand(found.roomId, found.record));
        setHand(found);
      } else {
        const rep = await ctx.api.call('GET /api/skill/sessions/:sessionId/replay', { params: { sessionId: text } });
        setOutcome(verifySession(rep));
      }
    } catch (e) {
      setError(errorText(ctx.lang, e));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    if (initial !== '') void run(initial);
  }, []);

  return (
    <main class="page" data-testid="fairness-page">
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault();
          void run(id);
        }}
      >
        <h1>{t.title}</h1>
        <p class="muted small">{t.hint}</p>
        <label>
          {t.id}
          <input value={id} onInput={(e) => setId((e.target as HTMLInputElement).value)} data-testid="fairness-id" autoCapitalize="off" />
        </label>
        <button type="submit" class="primary" disabled={busy} data-testid="fairness-verify">
          {busy ? t.verifying : t.verify}
        </button>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </form>
      {outcome && <Verdict ctx={ctx} t={t} outcome={outcome} hand={hand} />}
    </main>
  );
}

/** Each check as it passed or failed, the commitment and seed, and a hand's time-stamp attestation. */
function Verdict({ ctx, t, outcome, hand }: { ctx: Ctx; t: Words; outcome: Outcome; hand: VerifiedHand | null }) {
  const allOk = outcome.checks.every((c) => c.ok);
  return (
    <section
      class={`card fair-verdict ${allOk ? 'match' : 'mismatch'}`}
      data-testid="fairness-result"
      data-result={allOk ? 'match' : 'mismatch'}
    >
      <h2 aria-live="polite">{allOk ? t.match : t.mismatch}</h2>
      <ul class="checks">
        {outcome.checks.map((c) => (
          <li key={c.key} data-testid={`check-${c.key}`} data-ok={String(c.ok)}>
            <span aria-hidden="true">{c.ok ? '✓' : '✗'}</span> {t[`check_${c.key}`]}
            {c.detail ? ` (${c.detail})` : ''}
          </li>
        ))}
      </ul>
      {outcome.notKept && (
        <p class="muted small" data-testid="fairness-not-kept">
          {t.notKept}
        </p>
      )}
      <p class="muted small mono">
        {t.commitment} {outcome.commitment.slice(0, 24)}…<br />
        {t.seed} {outcome.seed.slice(0, 24)}… · {t.steps.replace('{n}', String(outcome.steps))}
      </p>
      {hand && <HandAttestation ctx={ctx} roomId={hand.roomId} handNumber={hand.handNumber} shown={hand.record} />}
    </section>
  );
}
