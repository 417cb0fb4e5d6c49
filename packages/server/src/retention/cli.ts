// `npm run archive:check -- <archive folder>`: checks every archive (see verify.ts), prints the
// report as JSON and exits 1 when anything is wrong. The folder defaults to FAIRGROUND_ARCHIVE_DIR.
import { verifyArchives } from './verify.ts';

const dir = process.argv[2] ?? process.env.FAIRGROUND_ARCHIVE_DIR;
if (dir === undefined) {
  process.stderr.write('usage: npm run archive:check -- <archive folder> (or set FAIRGROUND_ARCHIVE_DIR)\n');
  process.exit(2);
}
const report = verifyArchives(dir);
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
process.exit(report.ok ? 0 : 1);
