// Reads the tree the tidy check looks at and parses every TypeScript file with the compiler's own
// parser (the TypeScript 7 API: the native compiler parses, this process walks the syntax trees).
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { SourceFile } from 'typescript/unstable/ast';
import { API } from 'typescript/unstable/sync';

/** Folders (relative to the root) whose TypeScript files are read. */
export const SCANNED_ROOTS = ['packages', 'scripts', 'bench'] as const;
/** A bound on the tree, so a wrong root fails instead of parsing a whole disk. */
const FILES_MAX = 20_000;

export interface Parsed {
  /** Path relative to the root, with `/` separators. */
  readonly file: string;
  readonly source: SourceFile;
}

/** Product code: a package's `src`, not a test. */
export function isProduct(file: string): boolean {
  return /^packages\/[^/]+\/src\//.test(file) && !/\.test\.tsx?$/.test(file);
}

function walk(root: string, dir: string, out: string[]): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(root, path, out);
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(relative(root, path).split('\\').join('/'));
    if (out.length > FILES_MAX) throw new Error(`tidy: more than ${FILES_MAX} files under ${root}; is that the repository?`);
  }
}

/** Every TypeScript file under the scanned roots, sorted. */
export function listFiles(root: string): string[] {
  const files: string[] = [];
  for (const r of SCANNED_ROOTS) walk(root, join(root, r), files);
  return files.sort();
}

/**
 * Parses `files` as one program that resolves nothing (no imports followed, no lib), which is
 * all a syntactic check needs and keeps the whole repository under two seconds.
 */
export function parseFiles(root: string, files: readonly string[]): Parsed[] {
  const dir = mkdtempSync(join(tmpdir(), 'tidy-'));
  const config = {
    compilerOptions: { noResolve: true, noLib: true, types: [], noEmit: true, allowImportingTsExtensions: true, module: 'nodenext' },
    files: files.map((f) => join(root, f)),
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config));
  const api = new API({ cwd: dir });
  try {
    const snapshot = api.updateSnapshot({ openProject: join(dir, 'tsconfig.json') });
    const project = snapshot.getProjects()[0];
    if (project === undefined) throw new Error('tidy: the compiler opened no project');
    return files.map((file) => {
      const source = project.program.getSourceFile(join(root, file));
      if (source === undefined) throw new Error(`tidy: the compiler did not parse ${file}`);
      return { file, source };
    });
  } finally {
    api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
