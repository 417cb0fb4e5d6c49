export * from './bytes.ts';
export * from './ceremony.ts';
export * from './errors.ts';
export * from './prng.ts';
export * from './seeds.ts';
export * from './sha256.ts';
export * from './shuffle.ts';
export * from './stream.ts';
