// A player's own account: what stands in the way of closing it, the closure itself, and the export
// of their data.
import { Type } from '@sinclair/typebox';
import { contract } from '../http/endpoint.ts';
import { TimeMs } from '../http/schemas.ts';

const Blocker = Type.Object({
  code: Type.Union([
    Type.Literal('ACCOUNT_CLOSURE_BALANCE'),
    Type.Literal('ACCOUNT_CLOSURE_WITHDRAWAL_OPEN'),
    Type.Literal('ACCOUNT_CLOSURE_SEATED'),
  ]),
  assets: Type.Optional(Type.Array(Type.String(), { description: 'assets with a balance or a hold' })),
  count: Type.Optional(Type.Integer({ minimum: 0 })),
});
const Section = Type.Unknown();

export const privacyContract = contract({
  accountClosure: {
    method: 'GET',
    url: '/api/me/account/closure',
    summary: 'Whether I can close my account now, what stands in the way, and what closing keeps and erases',
    tags: ['privacy'],
    auth: 'player',
    response: Type.Object({
      closable: Type.Boolean(),
      blockers: Type.Array(Blocker),
      kycRetentionDays: Type.Integer({ minimum: 0, description: 'how long the sealed real-name record is kept after closing' }),
    }),
  },
  closeAccount: {
    method: 'POST',
    url: '/api/me/account/close',
    summary:
      'Closes my account: refused while I hold a balance, a withdrawal is in progress or I sit in a room; erases my personal fields and signs me out everywhere',
    tags: ['privacy'],
    auth: 'player',
    body: Type.Object({ confirm: Type.Literal(true, { description: 'the client’s confirm step' }) }, { additionalProperties: false }),
    response: Type.Object({ closedAtMs: TimeMs(), kycPurgeAfterMs: TimeMs() }),
  },
  exportMyData: {
    method: 'GET',
    url: '/api/me/export',
    summary:
      'Everything the platform keeps about me, as one JSON document (profile, WeChat identities, real name masked, wallet and ledger, deposits, withdrawals, rooms and orders, responsible-play settings)',
    tags: ['privacy'],
    auth: 'player',
    response: Type.Object({
      format: Type.Literal('fairground.player-export.v1'),
      exportedAtMs: TimeMs(),
      player: Section,
      wechatIdentities: Type.Array(Section),
      realName: Section,
      balances: Type.Array(Section),
      ledgerEntries: Type.Array(Section),
      ledgerEntriesTruncated: Type.Boolean(),
      deposits: Type.Array(Section),
      withdrawals: Type.Array(Section),
      roomOrders: Type.Array(Section),
      rooms: Type.Array(Section),
      responsiblePlay: Section,
    }),
  },
});
