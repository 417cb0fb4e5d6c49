// Notary endpoints: a player's view of one hand's attestation (the record's exact bytes, its
// inclusion proof, the root and what the time-stamping authority signed) and its export bundle;
// the console's view of the queue, the roots and the lag.
import { Type } from '@sinclair/typebox';
import { contract } from '../http/endpoint.ts';
import { IdString, limitQuery, TimeMs } from '../http/schemas.ts';
import { ROOTS_LISTED_MAX } from './limits.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Hex64 = Type.String({ pattern: '^[0-9a-f]{64}$' });
const HandPath = Type.Object({ roomId: IdString(), handNumber: Type.Integer({ minimum: 1, maximum: 1_000_000 }) });

const TokenBody = Type.Object({
  genTimeMs: TimeMs('the time the authority signed (its genTime)'),
  tsaName: Nullable(Type.String({ description: 'the authority as its token names it (an X.500 name)' })),
  serialHex: Type.String(),
  policyOid: Type.String(),
  tsaUrl: Type.String(),
});

const RootBody = Type.Object({
  id: Type.Integer(),
  rootHash: Hex64,
  treeSize: Type.Integer(),
  state: Type.Union([Type.Literal('waiting'), Type.Literal('attested')]),
  firstQueuedAtMs: TimeMs(),
  builtAtMs: TimeMs(),
  attempts: Type.Integer(),
  lastAttemptAtMs: Nullable(TimeMs()),
  lastError: Nullable(Type.String()),
  attestedAtMs: Nullable(TimeMs()),
  token: Nullable(TokenBody),
});

export const notaryContract = contract({
  handAttestation: {
    method: 'GET',
    url: '/api/rooms/:roomId/hands/:handNumber/attestation',
    summary:
      'A finished hand’s attestation: its record byte for byte, the Merkle inclusion proof to the time-stamped root, and the time and authority of the RFC 3161 token',
    tags: ['rooms', 'notary'],
    auth: 'player',
    params: HandPath,
    response: Type.Object({
      roomId: Type.String(),
      handNumber: Type.Integer(),
      state: Type.Union(
        ['none', 'queued', 'waiting', 'attested'].map((s) => Type.Literal(s)),
        {
          description:
            'none: finished before the notary existed; queued: waiting for the next root; waiting: in a root the authority has not signed yet; attested: signed',
        },
      ),
      record: Type.String({ description: 'the hand record exactly as hashed: the Merkle leaf is SHA-256(0x00 ‖ these UTF-8 bytes)' }),
      headHash: Nullable(Hex64),
      leafHash: Nullable(Hex64),
      queuedAtMs: Nullable(TimeMs()),
      leafIndex: Nullable(Type.Integer()),
      treeSize: Nullable(Type.Integer()),
      proof: Type.Array(Hex64, { maxItems: 24 }),
      root: Nullable(Hex64),
      token: Nullable(TokenBody),
    }),
  },
  handAttestationBundle: {
    method: 'GET',
    url: '/api/rooms/:roomId/hands/:handNumber/attestation/bundle',
    summary:
      'The export bundle of an attested hand (record, proof, root, RFC 3161 token, TSA chain): verify it with `node verify-bundle.mjs` or openssl alone',
    tags: ['rooms', 'notary'],
    auth: 'player',
    params: HandPath,
    response: Type.Object({
      format: Type.Literal('fairground-timestamp-bundle/1'),
      record: Type.String(),
      recordEncoding: Type.Union([Type.Literal('utf8'), Type.Literal('base64')]),
      leafIndex: Type.Integer(),
      treeSize: Type.Integer(),
      proof: Type.Array(Hex64),
      root: Hex64,
      token: Type.String({ description: 'the TimeStampToken, DER, base64' }),
      tsaChain: Type.String({ description: 'PEM: the TSA certificate first, the root CA last' }),
    }),
  },
  notaryStatus: {
    method: 'GET',
    url: '/api/admin/notary',
    summary: 'The attestation queue: hands waiting, roots waiting for their token (with the last TSA error), recent roots, and the lag',
    tags: ['admin', 'notary'],
    auth: 'operator',
    roles: ['risk', 'support', 'finance', 'admin'],
    query: limitQuery(ROOTS_LISTED_MAX),
    response: Type.Object({
      tsaUrl: Type.String(),
      lagMs: Type.Integer(),
      lagAlertMs: Type.Integer(),
      queued: Type.Integer(),
      oldestQueuedAtMs: Nullable(TimeMs()),
      rootsWaiting: Type.Integer(),
      lastAttestedAtMs: Nullable(TimeMs()),
      roots: Type.Array(RootBody),
    }),
  },
});
