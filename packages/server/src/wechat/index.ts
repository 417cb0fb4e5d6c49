// WeChat's adapters (sign-in, content security, subscription messages, the access-token cache)
// are bound by the composition root, which imports them file by file; what a domain may use of
// this folder is here.
export type { VpayConfig } from './config.ts';
