// The built clients as the server sends them: hashed bundle files with a year's immutable cache,
// pages revalidated on every visit, and text sent brotli- or gzip-compressed (made at build time)
// to browsers that accept it, the original to those that do not.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { HASHED_ASSET_MAX_AGE_S, serveClients, WEB_DIST } from '../src/http/server.ts';

describe('static files of the web clients', () => {
  let app: FastifyInstance;
  let script = '';

  before(async () => {
    app = Fastify();
    await serveClients(app);
    await app.ready();
    const js = readdirSync(join(WEB_DIST, 'assets')).filter((f) => /^index-.*\.js$/.test(f));
    assert.equal(js.length, 1, 'one entry script');
    script = `/assets/${js[0]}`;
  });

  after(() => app.close());

  it('keeps hashed assets a year and sends them brotli-compressed to a browser that takes brotli', async () => {
    const r = await app.inject({ url: script, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['content-encoding'], 'br');
    assert.equal(r.headers['cache-control'], `public, max-age=${HASHED_ASSET_MAX_AGE_S}, immutable`);
    assert.match(String(r.headers['content-type']), /javascript/);
    assert.match(String(r.headers.vary), /accept-encoding/i);
    const plain = await app.inject({ url: script, headers: { 'accept-encoding': 'identity' } });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.ok(r.rawPayload.length < plain.rawPayload.length / 2, 'compressed to less than half');
    assert.deepEqual(brotliDecompressSync(r.rawPayload), plain.rawPayload);
  });

  it('falls back to gzip, then to the original', async () => {
    const gz = await app.inject({ url: script, headers: { 'accept-encoding': 'gzip' } });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    const plain = await app.inject({ url: script });
    assert.deepEqual(gunzipSync(gz.rawPayload), plain.rawPayload);
  });

  it('has every page revalidated, so a new release is seen at once, and icons cached for a day', async () => {
    for (const url of ['/', '/admin/']) {
      const r = await app.inject({ url, headers: { 'accept-encoding': 'br' } });
      assert.equal(r.statusCode, 200, url);
      assert.equal(r.headers['cache-control'], 'no-cache', url);
      assert.match(String(r.headers['content-type']), /text\/html/);
    }
    const icon = await app.inject({ url: '/favicon.ico' });
    assert.equal(icon.statusCode, 200);
    assert.equal(icon.headers['cache-control'], 'public, max-age=86400');
    const share = await app.inject({ url: '/share.png' });
    assert.equal(share.statusCode, 200);
    assert.match(String(share.headers['content-type']), /image\/png/);
  });
});
