// The built package inside WeChat's limits for mini-games: the main package at most 4 MB, the
// whole (main and subpackages) at most 30 MB; and the project files DevTools needs.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { it } from 'node:test';
import { buildClients } from '../../server/test/browser/harness.ts';
import { MINIGAME_DIST } from '../build.ts';

const MAIN_PACKAGE_BYTES_MAX = 4 * 1024 * 1024;
const WHOLE_BYTES_MAX = 30 * 1024 * 1024;

function files(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) files(p, out);
    else out.push(p);
  }
  return out;
}

it('builds a mini-game project whose main package and subpackages fit WeChat’s limits', () => {
  buildClients();
  const game = JSON.parse(readFileSync(join(MINIGAME_DIST, 'game.json'), 'utf8')) as { subpackages: { name: string; root: string }[] };
  assert.ok(existsSync(join(MINIGAME_DIST, 'project.config.json')));
  assert.ok(existsSync(join(MINIGAME_DIST, 'game.js')));
  const roots = game.subpackages.map((s) => s.root.replace(/\/$/, ''));
  for (const r of roots) assert.ok(existsSync(join(MINIGAME_DIST, r, 'game.js')), `subpackage ${r} has its game.js`);
  let main = 0;
  let whole = 0;
  for (const f of files(MINIGAME_DIST)) {
    const size = statSync(f).size;
    whole += size;
    if (!roots.some((r) => relative(MINIGAME_DIST, f).startsWith(`${r}/`))) main += size;
  }
  console.log(`mini-game package: main ${main} bytes, whole ${whole} bytes`);
  assert.ok(main > 0 && main <= MAIN_PACKAGE_BYTES_MAX, `main package ${main} bytes`);
  assert.ok(whole <= WHOLE_BYTES_MAX, `whole package ${whole} bytes`);
});
