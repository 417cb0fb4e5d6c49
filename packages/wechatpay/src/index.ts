// @fairground/wechatpay — a WeChat Pay API v3 client on node:crypto and fetch. See README.md.
export * from './bills.ts';
export * from './cipher.ts';
export * from './client.ts';
export * from './errors.ts';
export * from './fields.ts';
export * from './http.ts';
export * from './limits.ts';
export * from './models.ts';
export * from './notifications.ts';
export * from './signing.ts';
export * from './verifier.ts';
export * from './token-cache.ts';
export * from './weixin.ts';
export { CredentialKeeper, type CredentialFetcher, type FetchedCredential } from './weixin-credentials.ts';
export { weixinErrcode } from './weixin-http.ts';
export * from './vpay.ts';
