// Browsers compile an input's `pattern` with the `v` flag, where a bare `-` inside a class is a
// syntax error (the page logs it on every visit and the check is silently dropped). Every pattern
// in the player client, the console and the sandbox's pages must compile that way.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';

const root = new URL('../../', import.meta.url).pathname;
const DIRS = ['web/src', 'admin/src', 'wechatpay-sandbox/src'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.(tsx?|html)$/.test(name) ? [path] : [];
  });
}

it('compiles every input pattern with the v flag', () => {
  let seen = 0;
  for (const file of DIRS.flatMap((d) => files(join(root, d)))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bpattern="([^"]+)"/g)) {
      // In a .ts file the attribute sits inside a string literal, so `\\` there is one backslash.
      const source = file.endsWith('.tsx') ? m[1]! : m[1]!.replace(/\\\\/g, '\\');
      seen++;
      assert.doesNotThrow(() => new RegExp(`^(?:${source})$`, 'v'), `${file}: pattern="${m[1]}"`);
    }
  }
  assert.ok(seen >= 3, 'the sign-in inputs were found');
});
