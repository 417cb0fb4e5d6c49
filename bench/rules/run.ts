// Speed of the pure rules: hand evaluations, fair shuffles, and betting-reducer steps.
//   npx node bench/rules/run.ts            (about 15 s; one core)
// Each figure is the best of three timed runs after a warm-up.
import { cpus } from 'node:os';
import {
  applyHandAction,
  CARD_NAMES,
  compareKeys,
  createHand,
  evaluateHand,
  fairDeckIndices,
  fisherYates,
  type HandAction,
  type HandState,
  handEvaluator,
  legalActions,
  Prng,
  sha256,
  utf8Bytes,
} from '../../packages/rules/src/index.ts';

const RUN_MS = 1000;
const RUNS = 3;

// Runs `batch` repeatedly for about RUN_MS and returns operations per second; `batch` returns the
// number of operations it did and a value folded into a sink so the work cannot be optimised away.
let sink = 0;
function measure(batch: () => [number, number]): number {
  for (let i = 0; i < 3; i++) sink ^= batch()[1];
  let best = 0;
  for (let run = 0; run < RUNS; run++) {
    let ops = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < RUN_MS) {
      const [n, v] = batch();
      ops += n;
      sink ^= v;
      elapsed = performance.now() - start;
    }
    best = Math.max(best, (ops * 1000) / elapsed);
  }
  return best;
}

// All 22,100 hands as card indices and as strings.
const hands: number[] = [];
const handStrings: string[][] = [];
for (let a = 0; a < 52; a++) {
  for (let b = a + 1; b < 52; b++) {
    for (let c = b + 1; c < 52; c++) {
      hands.push(a, b, c);
      handStrings.push([CARD_NAMES[a], CARD_NAMES[b], CARD_NAMES[c]] as string[]);
    }
  }
}
const handCount = handStrings.length;
const evaluator = handEvaluator();

const rows: [string, number][] = [];

rows.push([
  'hand evaluations/s, card indices (`HandEvaluator.keyOf`)',
  measure(() => {
    let x = 0;
    for (let i = 0; i < hands.length; i += 3) x ^= evaluator.keyOf(hands[i]!, hands[i + 1]!, hands[i + 2]!);
    return [handCount, x];
  }),
]);
rows.push([
  'hand evaluations/s, card strings (`HandEvaluator.keyOfCards`)',
  measure(() => {
    let x = 0;
    for (let i = 0; i < handCount; i++) x ^= evaluator.keyOfCards(handStrings[i]!);
    return [handCount, x];
  }),
]);
rows.push([
  'hand evaluations/s, `evaluateHand(cards)` (default rules, result object)',
  measure(() => {
    let x = 0;
    for (let i = 0; i < handCount; i++) x ^= evaluateHand(handStrings[i]!).key;
    return [handCount, x];
  }),
]);
const keys = Int32Array.from({ length: handCount }, (_, i) => evaluator.keyOf(hands[3 * i]!, hands[3 * i + 1]!, hands[3 * i + 2]!));
rows.push([
  'key comparisons/s (`compareKeys`)',
  measure(() => {
    let x = 0;
    for (let i = 1; i < handCount; i++) x += compareKeys(keys[i - 1]!, keys[i]!);
    return [handCount - 1, x];
  }),
]);

const serverSeed = sha256(utf8Bytes('bench server seed'));
const clientSeed = 'f'.repeat(64);
let handNumber = 0;
rows.push([
  'fair shuffles/s (`fairDeckIndices`: 7 HMAC blocks + Fisher–Yates)',
  measure(() => {
    let x = 0;
    for (let i = 0; i < 100; i++) x ^= fairDeckIndices(serverSeed, clientSeed, handNumber++)[0]!;
    return [100, x];
  }),
]);
const block = utf8Bytes('x'.repeat(64));
rows.push([
  'SHA-256 compressions/s (64-byte messages, 2 compressions each)',
  measure(() => {
    let x = 0;
    for (let i = 0; i < 1000; i++) x ^= sha256(block)[0]!;
    return [2000, x];
  }),
]);
const prng = Prng.fromSeed(serverSeed, 'bench');
rows.push([
  'PRNG draws/s (`Prng.nextUint32`)',
  measure(() => {
    let x = 0;
    for (let i = 0; i < 100_000; i++) x ^= prng.nextUint32();
    return [100_000, x];
  }),
]);
rows.push([
  'PRNG shuffles/s (Fisher–Yates of 52 with `Prng`)',
  measure(() => {
    let x = 0;
    const deck = Array.from({ length: 52 }, (_, i) => i);
    for (let i = 0; i < 1000; i++) x ^= fisherYates(deck, prng)[0]!;
    return [1000, x];
  }),
]);

// Reducer: record 2,000 six-player hands of random legal play first, then time only their replay.
const choose = Prng.fromSeed(serverSeed, 'bench-actions');
const recorded: { start: HandState; actions: HandAction[] }[] = [];
for (let h = 0; h < 2000; h++) {
  const created = createHand({
    rules: { baseScore: 1, stakeCapPoints: 8, roundsMax: 10, compareFromRound: 3 },
    dealerSeat: h % 6,
    players: Array.from({ length: 6 }, (_, seat) => ({ seat, stackPoints: 200 })),
    deck: fairDeckIndices(serverSeed, clientSeed, h).map((i) => CARD_NAMES[i] as string),
    handNumber: h,
  });
  if (!created.ok) throw created.error;
  let s = created.value;
  const actions: HandAction[] = [];
  while (s.phase === 'betting') {
    const seat = s.turnSeat as number;
    const legal = legalActions(s, seat);
    const options: HandAction[] = [];
    if (legal.call) options.push({ type: 'call', seat }, { type: 'call', seat }, { type: 'call', seat });
    if (legal.look) options.push({ type: 'look', seat });
    if (legal.raise) options.push({ type: 'raise', seat, toStakePoints: legal.raise.minStakePoints });
    if (legal.compare) options.push({ type: 'compare', seat, targetSeat: legal.compare.targetSeats[0]! });
    if (legal.allIn) options.push({ type: 'all-in', seat });
    options.push({ type: 'fold', seat });
    const action = options[choose.nextInt(options.length)]!;
    const next = applyHandAction(s, action);
    if (!next.ok) throw next.error;
    actions.push(action);
    s = next.value;
  }
  recorded.push({ start: created.value, actions });
}
const totalSteps = recorded.reduce((t, r) => t + r.actions.length, 0);
rows.push([
  `betting-reducer steps/s (\`applyHandAction\`, 6 players, ${(totalSteps / recorded.length).toFixed(1)} steps a hand)`,
  measure(() => {
    let x = 0;
    for (const r of recorded) {
      let s = r.start;
      for (const a of r.actions) {
        const next = applyHandAction(s, a);
        if (!next.ok) throw next.error;
        s = next.value;
      }
      x ^= s.potPoints;
    }
    return [totalSteps, x];
  }),
]);

const format = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, one core\n`);
console.log('| measure | per second |');
console.log('| --- | ---: |');
for (const [name, perSecond] of rows) console.log(`| ${name} | ${format(perSecond)} |`);
if (sink === 0.5) console.log(sink);
