// @fairground/rules: pure game rules shared by the server and the browser. No I/O, no clock, no
// Math.random; integer maths everywhere except rating/ (see scripts/lint-rules.ts).
export * from './zjh/index.ts';
export * from './fair/index.ts';
export * from './result.ts';
export * from './rating/index.ts';
export * from './puzzle/index.ts';
export * from './client/room-frames.ts';
export * from './sum10/index.ts';
export * from './skillgames/index.ts';
