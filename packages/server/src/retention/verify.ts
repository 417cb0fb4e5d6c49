// The archive verifier (`npm run archive:check -- <dir>`), like the ledger's invariant check: every
// manifest's file is present, its SHA-256 and that of the NDJSON inside match, the line count is
// the row count, every line is JSON whose group is one of the manifest's groups (or, for a table
// archived by time, whose time lies in the range and whose seq increases inside it), and a group found
// in two archives (a pass that crashed after writing, before deleting) has the same rows in both.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ArchiveManifest } from './archiver.ts';

/** Archive files one check reads at most (a larger archive folder is checked a year at a time). */
export const ARCHIVES_CHECKED_MAX = 100_000;

export interface ArchiveReport {
  readonly ok: boolean;
  readonly archives: number;
  readonly rows: number;
  readonly problems: readonly string[];
}

export function verifyArchives(dir: string): ArchiveReport {
  const problems: string[] = [];
  let archives = 0;
  let rows = 0;
  if (!existsSync(dir)) return { ok: false, archives: 0, rows: 0, problems: [`${dir} does not exist`] };
  /** table/group → digest of its lines, to compare copies of a group. */
  const seen = new Map<string, { digest: string; archive: string }>();
  for (const table of readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()) {
    const folder = join(dir, table);
    for (const name of readdirSync(folder)
      .filter((n) => n.endsWith('.manifest.json'))
      .sort()) {
      if (archives >= ARCHIVES_CHECKED_MAX) {
        problems.push(`more than ${ARCHIVES_CHECKED_MAX} archives: check the folder in parts`);
        return { ok: false, archives, rows, problems };
      }
      archives += 1;
      const where = join(table, name);
      const archive = readArchive(folder, table, name, problems);
      if (archive === null) continue;
      const { m, ndjson } = archive;
      if (createHash('sha256').update(ndjson).digest('hex') !== m.ndjsonSha256)
        problems.push(`${where}: the NDJSON does not match its SHA-256`);
      const lines = ndjson === '' ? [] : ndjson.replace(/\n$/, '').split('\n');
      if (lines.length !== m.rows) problems.push(`${where}: ${lines.length} lines, the manifest says ${m.rows}`);
      rows += lines.length;
      const byGroup = linesByGroup(m, lines, where, problems);
      for (const g of m.groups) {
        const digest = createHash('sha256')
          .update((byGroup.get(g) ?? []).join('\n'))
          .digest('hex');
        const before = seen.get(`${table}/${g}`);
        if (before && before.digest !== digest) problems.push(`${where}: group ${g} differs from its copy in ${before.archive}`);
        seen.set(`${table}/${g}`, { digest, archive: where });
      }
    }
  }
  return { ok: problems.length === 0, archives, rows, problems };
}

/** An archive's manifest and its decompressed NDJSON, or null (with the problem noted) when either is not what it claims. */
function readArchive(folder: string, table: string, name: string, problems: string[]): { m: ArchiveManifest; ndjson: string } | null {
  const where = join(table, name);
  let m: ArchiveManifest;
  try {
    m = JSON.parse(readFileSync(join(folder, name), 'utf8')) as ArchiveManifest;
  } catch (e) {
    problems.push(`${where}: not JSON (${(e as Error).message})`);
    return null;
  }
  if (m.format !== 'fairground.archive.v1' || m.table !== table) {
    problems.push(`${where}: not an archive manifest of ${table}`);
    return null;
  }
  const path = join(folder, m.file);
  if (!existsSync(path)) {
    problems.push(`${where}: ${m.file} is missing`);
    return null;
  }
  const gz = readFileSync(path);
  if (createHash('sha256').update(gz).digest('hex') !== m.sha256) {
    problems.push(`${where}: ${m.file} does not match its SHA-256`);
    return null;
  }
  let ndjson: string;
  try {
    ndjson = gunzipSync(gz).toString('utf8');
  } catch (e) {
    problems.push(`${where}: ${m.file} does not decompress (${(e as Error).message})`);
    return null;
  }
  return { m, ndjson };
}

/** The archive's lines by group, each line checked against the manifest's range or groups. */
function linesByGroup(m: ArchiveManifest, lines: readonly string[], where: string, problems: string[]): Map<string, string[]> {
  const groups = new Set(m.groups);
  const byGroup = new Map<string, string[]>();
  let seqBefore = Number.NEGATIVE_INFINITY;
  for (const [i, line] of lines.entries()) {
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch {
      problems.push(`${where}: line ${i + 1} is not JSON`);
      continue;
    }
    if (m.range !== undefined) {
      // Archived by time: the row lies in the range and the seqs increase.
      const r = m.range;
      const at = Number(row[r.column]);
      const seq = Number(row[r.seqColumn]);
      if (!(at >= r.fromMs && at < r.toMs)) problems.push(`${where}: line ${i + 1} has ${r.column} ${at}, outside the archive's range`);
      if (!(seq >= r.seqMin && seq <= r.seqMax && seq > seqBefore))
        problems.push(`${where}: line ${i + 1} has ${r.seqColumn} ${seq}, out of order or outside ${r.seqMin}..${r.seqMax}`);
      seqBefore = seq;
      const g = m.groups[0] ?? '';
      const list = byGroup.get(g);
      if (list === undefined) byGroup.set(g, [line]);
      else list.push(line);
      continue;
    }
    const g = String(row[m.groupColumn]);
    if (!groups.has(g)) problems.push(`${where}: line ${i + 1} belongs to ${g}, not one of the manifest's groups`);
    const list = byGroup.get(g);
    if (list === undefined) byGroup.set(g, [line]);
    else list.push(line);
  }
  return byGroup;
}
