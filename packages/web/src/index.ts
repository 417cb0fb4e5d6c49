// What the console (packages/admin) shares with the player client.
export * from './shared/api.ts';
export * from './shared/i18n.ts';
export * from './shared/money.ts';
export { errorText, loadErrorTexts } from './shared/errors.ts';
