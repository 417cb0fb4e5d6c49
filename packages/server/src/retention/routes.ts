import { type Implementation, implement } from '../http/routes.ts';
import type { Archiver } from './archiver.ts';
import { retentionContract as c } from './contract.ts';
import { NEVER_ARCHIVED, ONLINE_DAYS_DEFAULT, RETENTION_RULES } from './rules.ts';

export function retentionRoutes(d: { readonly archiver: Archiver | null }): Record<keyof typeof c, Implementation> {
  return {
    retentionArchives: implement(c.retentionArchives, async ({ query }) => ({
      configured: d.archiver !== null,
      onlineDays: ONLINE_DAYS_DEFAULT,
      archived: RETENTION_RULES.map((r) => r.table),
      rules: RETENTION_RULES.map((r) => ({ table: r.table, onlineDays: r.onlineDays })),
      neverArchived: [...NEVER_ARCHIVED],
      items: d.archiver === null ? [] : await d.archiver.list(query.limit ?? 50),
    })),
  };
}
