// @fairground/nppa — a client for the NPPA anti-addiction real-name system (网络游戏防沉迷实名验证系统).
// See README.md. The sandbox is a separate entry point: `@fairground/nppa/sandbox`.
export * from './client.ts';
export * from './errors.ts';
export type { FetchLike } from './http.ts';
export * from './idcard.ts';
export * from './limits.ts';
export * from './official-tests.ts';
export * from './presets.ts';
export * from './protocol.ts';
export * from './validate.ts';
export * from './wire.ts';
