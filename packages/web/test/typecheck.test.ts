// The browser apps' TSX is outside the root tsconfig (it needs Preact's JSX settings), so it is
// type-checked here: a changed API response type breaks this test, not a screen.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { it } from 'node:test';

const root = new URL('../../../', import.meta.url).pathname;
const tsc = `${root}node_modules/typescript/bin/tsc`;

for (const pkg of ['web', 'admin']) {
  it(`type-checks packages/${pkg} (TSX with Preact, typed API client)`, () => {
    const r = spawnSync(process.execPath, [tsc, '-p', `packages/${pkg}/tsconfig.json`, '--noEmit'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  });
}
