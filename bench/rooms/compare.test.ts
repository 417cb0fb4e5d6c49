// The rooms comparison's plumbing, in its smoke mode (10 players, a few seconds): both servers
// start, the same bots play on each through their protocol, and the table comes out with the
// ratios. It proves nothing about speed (benchmarks are not tests); it keeps `compare.ts` runnable.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

describe('bench/rooms/compare.ts --smoke', () => {
  it('drives Fairground and the Colyseus baseline with the same bots and prints both rows and their ratios', () => {
    const r = spawnSync(process.execPath, [join(import.meta.dirname, 'compare.ts'), '--smoke'], { encoding: 'utf8', timeout: 180_000 });
    assert.equal(r.status, 0, `compare.ts --smoke failed: ${r.stderr.slice(-2000)}`);
    assert.match(r.stdout, /\| 10 \| fairground \| [1-9]/, 'Fairground made actions');
    assert.match(r.stdout, /\| 10 \| colyseus \| [1-9]/, 'Colyseus made actions');
    assert.match(r.stdout, /\| 10 \| \d+\.\d+× \| \d+\.\d+× \| \d+\.\d+× \|/, 'with the ratios');
  });
});
