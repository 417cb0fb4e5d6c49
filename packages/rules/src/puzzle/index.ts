// The match-3 skill puzzle: deterministic, integer-only, shared by the browser, the server and the verifier.
export { adjacent as puzzleCellsAdjacent } from './board.ts';
export * from './config.ts';
export * from './errors.ts';
export * from './game.ts';
export * from './refills.ts';
export * from './replay.ts';
export * from './strategies.ts';
