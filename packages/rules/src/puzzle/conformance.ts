// A conformance run any JavaScript engine can execute: for each seed, a seeded random player plays
// a whole game, the log is replayed on a fresh game, and both final states are reported. A client
// runtime (a WeChat mini-game on JavaScriptCore or V8, a browser, QuickJS) whose report differs
// from the server's by a single byte cannot be trusted to show the player the server's game.
import { hexToBytes } from '../fair/bytes.ts';
import { Prng } from '../fair/prng.ts';
import { checkPuzzleConfig, type PuzzleConfig } from './config.ts';
import { newPuzzle, type PuzzleView } from './game.ts';
import { replayPuzzle } from './replay.ts';
import { playOut, randomMove } from './strategies.ts';

export interface ConformanceResult {
  readonly seedHex: string;
  readonly commands: number;
  readonly view: PuzzleView;
  readonly stateHash: string;
  readonly replayHash: string;
}

export function conformanceRun(seedsHex: readonly string[], config: PuzzleConfig): ConformanceResult[] {
  const c = checkPuzzleConfig(config);
  const out: ConformanceResult[] = [];
  for (const seedHex of seedsHex) {
    const seed = hexToBytes(seedHex);
    if (seed === null || seed.length === 0) throw new Error(`conformanceRun: bad seed ${seedHex}`);
    const { game, refills } = newPuzzle(seed, c);
    const prng = Prng.fromSeed(seed, 'conformance-player');
    const log = playOut(game, refills, (g) => randomMove(g, prng), { stepMs: 400, jitterMs: 1200, prng });
    const replay = replayPuzzle(seed, c, log);
    out.push({ seedHex, commands: log.length, view: game.view(), stateHash: game.stateHash(), replayHash: replay.stateHash });
  }
  return out;
}
