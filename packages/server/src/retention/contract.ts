// The console's view of retention: the rules (what leaves the database after how long, what never
// does) and the archives written.
import { Type } from '@sinclair/typebox';
import { contract } from '../http/endpoint.ts';
import { limitQuery, TimeMs } from '../http/schemas.ts';

export const retentionContract = contract({
  retentionArchives: {
    method: 'GET',
    url: '/api/admin/retention/archives',
    summary: 'The retention rules and the newest archives the retention job wrote (file, rows, SHA-256)',
    tags: ['admin', 'retention'],
    auth: 'operator',
    roles: ['risk', 'support', 'finance', 'admin'],
    query: limitQuery(200),
    response: Type.Object({
      configured: Type.Boolean({ description: 'false when no archive folder is configured (nothing is archived)' }),
      onlineDays: Type.Integer({ minimum: 0 }),
      archived: Type.Array(Type.String(), { description: 'tables whose old rows move to archives' }),
      rules: Type.Array(Type.Object({ table: Type.String(), onlineDays: Type.Integer({ minimum: 0 }) }), {
        description: 'how many days after its room or session ended a row stays online',
      }),
      neverArchived: Type.Array(Type.String(), { description: 'tables that keep every row online' }),
      items: Type.Array(
        Type.Object({
          id: Type.String(),
          table: Type.String(),
          file: Type.String(),
          rows: Type.Integer({ minimum: 0 }),
          groups: Type.Integer({ minimum: 0 }),
          sha256: Type.String(),
          cutoffMs: Type.Integer(),
          createdAtMs: TimeMs(),
        }),
      ),
    }),
  },
});
