export * from './cards.ts';
export * from './errors.ts';
export * from './hand-rules.ts';
export * from './hands.ts';
export * from './showdown.ts';
