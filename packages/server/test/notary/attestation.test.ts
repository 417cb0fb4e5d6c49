// Hands a player can verify without trusting us, on SQLite and PostgreSQL: finished hands queue for
// the notary, the notary.attest pass has a local TSA (over HTTP) sign the Merkle root, the player's
// API hands out the record, its inclusion proof and the token's time and authority, and the export
// bundle verifies with `openssl ts -verify` and verify-bundle.mjs. A tampered hand, proof or root
// fails. A TSA outage delays attestation (the lag alert opens), never play, and attestation resumes
// when the TSA comes back.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { hexToBytes } from '@fairground/rules';
import { startTsaSandbox, type TimestampBundle, type TsaSandbox, verifyBundle, verifyInclusion } from '@fairground/timestamp';
import { standIn } from '../../src/bindings.ts';
import { localTsaAuthority } from '../helpers/tsa.ts';
import { botRng, playRoom } from '../rooms/bots.ts';
import { BACKENDS, type Client, type Player, TestDatabase, TestServer } from '../rooms/harness.ts';

const SCRIPT = new URL('../../../timestamp/verify-bundle.mjs', import.meta.url).pathname;

for (const backend of BACKENDS) {
  describe(`hand attestation on ${backend}`, () => {
    const db = new TestDatabase(backend);
    const clock = new ManualClock(Date.UTC(2026, 7, 3, 12));
    const work = mkdtempSync(join(tmpdir(), 'fg-notary-'));
    let tsa: TsaSandbox;
    let server: TestServer;
    let ps: Player[];
    let clients: Client[];
    let roomId: string;
    before(async () => {
      tsa = await startTsaSandbox({ clock });
      server = await TestServer.start(db, clock, { notary: standIn('local TSA', localTsaAuthority(tsa, clock)) });
      ps = [];
      for (let i = 0; i < 3; i++) ps.push(await server.player(`${backend.slice(0, 2)}nt${i}`, `10.91.0.${i + 1}`));
      for (const p of ps) await server.fund(p.id, 'CNY', 10_000);
      const room = await (ps[0] as Player).createRoom({ fee: { mode: 'cash', payer: 'aa' } });
      roomId = room.roomId;
      assert.equal((await (ps[1] as Player).join(room.code)).status, 200);
      assert.equal((await (ps[2] as Player).join(room.code)).status, 200);
      clients = [];
      for (const p of ps) clients.push(await p.connect(roomId));
      await playRoom(server, clients, roomId, botRng(`${backend}-notary`), { handsMax: 2 });
    });
    after(async () => {
      for (const c of clients ?? []) c.close();
      await server?.stop();
      await tsa?.close();
      await db.destroy();
      rmSync(work, { recursive: true, force: true });
    });

    const attestation = (handNumber: number, p = ps[1] as Player) => p.http('GET', `/api/rooms/${roomId}/hands/${handNumber}/attestation`);
    const bundleOf = (handNumber: number) => (ps[1] as Player).http('GET', `/api/rooms/${roomId}/hands/${handNumber}/attestation/bundle`);
    let files = 0;
    const openssl = (args: string[]) =>
      spawnSync('openssl', args, { cwd: work, encoding: 'utf8', timeout: 60_000 }) as {
        status: number | null;
        stdout: string;
        stderr: string;
      };
    const runScript = (bundle: unknown, attimeS: number) => {
      const file = join(work, `bundle-${files++}.json`);
      writeFileSync(file, JSON.stringify(bundle));
      const r = spawnSync(process.execPath, [SCRIPT, file, '--ca', 'ca.pem', '--attime', String(attimeS)], {
        cwd: work,
        encoding: 'utf8',
        timeout: 60_000,
      });
      return { status: r.status, out: `${r.stdout}${r.stderr}` };
    };

    it('queues each finished hand, then time-stamps them under one root whose token verifies with openssl ts -verify', async () => {
      const queued = await attestation(1);
      assert.equal(queued.status, 200);
      assert.equal(queued.json.state, 'queued');
      assert.equal(queued.json.token, null);
      clock.advanceMs(90_000);
      assert.ok((await server.platform.notary.lagMs()) >= 90_000, 'the lag counts from the oldest queued hand');
      assert.equal((await server.http('GET', '/api/rooms/x/hands/1/attestation')).status, 401, 'players only');
      assert.equal((await attestation(1, await server.player(`${backend.slice(0, 2)}ntx`))).json.code, 'ROOM_NOT_MEMBER');
      assert.equal((await attestation(99)).json.code, 'NOTARY_HAND_NOT_FOUND');
      assert.equal((await bundleOf(1)).json.code, 'NOTARY_NOT_ATTESTED');

      assert.equal(await server.attestHands(), 2);
      assert.equal(await server.platform.notary.lagMs(), 0);
      const a = await attestation(2);
      assert.equal(a.json.state, 'attested');
      assert.equal(a.json.treeSize, 2);
      assert.equal(a.json.token.genTimeMs, clock.nowMs(), 'the TSA’s time');
      assert.match(a.json.token.tsaName, /Fairground/, 'the authority as its token names it');
      // What the browser does: the record's bytes, through the proof, to the root the token signs.
      const proof = (a.json.proof as string[]).map((h) => hexToBytes(h) as Uint8Array);
      const root = hexToBytes(a.json.root) as Uint8Array;
      assert.ok(verifyInclusion({ data: new TextEncoder().encode(a.json.record) }, a.json.leafIndex, a.json.treeSize, proof, root));
      assert.equal(JSON.parse(a.json.record).handNumber, 2);

      const b = await bundleOf(2);
      assert.equal(b.status, 200);
      const bundle = b.json as TimestampBundle;
      assert.equal(bundle.record, a.json.record);
      writeFileSync(join(work, 'token.der'), Buffer.from(bundle.token, 'base64'));
      writeFileSync(join(work, 'chain.pem'), bundle.tsaChain);
      writeFileSync(join(work, 'ca.pem'), tsa.caCertPem);
      // The certificates are checked at the stamp's time (the test clock is not the machine's).
      const attime = String(Math.floor(a.json.token.genTimeMs / 1000));
      const ok = openssl([
        'ts',
        '-verify',
        '-digest',
        bundle.root,
        '-token_in',
        '-in',
        'token.der',
        '-CAfile',
        'ca.pem',
        '-untrusted',
        'chain.pem',
        '-attime',
        attime,
      ]);
      assert.equal(ok.status, 0, ok.stderr);
      assert.match(ok.stdout, /Verification: OK/);
      const text = execFileSync('openssl', ['ts', '-reply', '-token_in', '-in', 'token.der', '-token_out', '-text'], {
        cwd: work,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      assert.match(text, new RegExp(`Message data:[\\s\\S]*${bundle.root.slice(0, 2)}`), 'the token is over the root');
      const script = runScript(bundle, Number(attime));
      assert.equal(script.status, 0, script.out);
      assert.match(script.out, /VERIFIED: the record existed at/);
    });

    it('fails verification for a tampered hand, proof or root', async () => {
      const bundle = (await bundleOf(1)).json as TimestampBundle;
      const attime = Math.floor(clock.nowMs() / 1000);
      assert.equal(runScript(bundle, attime).status, 0, 'the untouched bundle verifies');
      const handTampered = { ...bundle, record: bundle.record.replace('"handNumber":1', '"handNumber":7') };
      assert.notEqual(handTampered.record, bundle.record);
      const proofTampered = { ...bundle, proof: [`${bundle.proof[0]?.slice(0, 63)}${bundle.proof[0]?.endsWith('0') ? '1' : '0'}`] };
      const otherRoot = `${bundle.root.slice(0, 63)}${bundle.root.endsWith('0') ? '1' : '0'}`;
      for (const [what, bad] of [
        ['hand', handTampered],
        ['proof', proofTampered],
        ['root', { ...bundle, root: otherRoot }],
      ] as const) {
        const r = runScript(bad, attime);
        assert.equal(r.status, 1, `a tampered ${what} does not verify: ${r.out}`);
        assert.match(r.out, /NOT VERIFIED/);
        assert.throws(() => verifyBundle(bad, tsa.caCertPem, { atMs: clock.nowMs() }), /TSA_INCLUSION_PROOF_INVALID|inclusion/);
      }
      // A root the token does not sign fails openssl on its own, whatever the proof says.
      writeFileSync(join(work, 'token1.der'), Buffer.from(bundle.token, 'base64'));
      const bad = openssl([
        'ts',
        '-verify',
        '-digest',
        otherRoot,
        '-token_in',
        '-in',
        'token1.der',
        '-CAfile',
        'ca.pem',
        '-untrusted',
        'chain.pem',
        '-attime',
        String(attime),
      ]);
      assert.notEqual(bad.status, 0);
      assert.doesNotMatch(bad.stdout, /Verification: OK/);

      // A hand altered in storage after it was stamped, its chain rewritten to match, and sealed
      // with the real key: the chain check and the player's bundle both refuse it.
      const rows = await server.store.reader.query<{ sealed: string }>(
        'SELECT sealed FROM room_hands WHERE room_id = ? AND hand_number = 1',
        [roomId],
      );
      const original = server.rooms.sealer.openRecord((rows[0] as { sealed: string }).sealed, roomId, 1);
      const forged = original.replace(/"aborted":(true|false)/, (_m, v: string) => `"aborted":${v === 'true' ? 'false' : 'true'}`);
      assert.notEqual(forged, original);
      const { createHash } = await import('node:crypto');
      const sha = (s: string) => createHash('sha256').update(s).digest('hex');
      const hands = await server.store.reader.query<{ hand_number: unknown; record_hash: string }>(
        'SELECT hand_number, record_hash FROM room_hands WHERE room_id = ? ORDER BY hand_number',
        [roomId],
      );
      let head = sha(`fairground/rooms/hand-chain/${roomId}`);
      await server.store.unitOfWork(async (tx) => {
        for (const h of hands) {
          const n = Number(h.hand_number);
          const rh = n === 1 ? sha(forged) : h.record_hash;
          head = sha(`${head}:${rh}`);
          await tx.run('UPDATE room_hands SET record_hash = ?, chain_hash = ? WHERE room_id = ? AND hand_number = ?', [
            rh,
            head,
            roomId,
            n,
          ]);
          if (n === 1)
            await tx.run('UPDATE room_hands SET sealed = ? WHERE room_id = ? AND hand_number = 1', [
              server.rooms.sealer.sealRecord(forged, roomId, 1),
              roomId,
            ]);
        }
      });
      const report = await server.rooms.verifyChain(roomId);
      assert.equal(report.ok, false);
      assert.ok(
        report.problems.some((p) => /hand 1: record differs from the time-stamped one/.test(p)),
        report.problems.join('; '),
      );
      assert.equal((await bundleOf(1)).json.code, 'TSA_INCLUSION_PROOF_INVALID', 'no bundle of a hand that is not the stamped one');
      // Put it back for the tests that follow.
      await server.store.unitOfWork(async (tx) => {
        let h2 = sha(`fairground/rooms/hand-chain/${roomId}`);
        for (const h of hands) {
          const n = Number(h.hand_number);
          h2 = sha(`${h2}:${h.record_hash}`);
          await tx.run('UPDATE room_hands SET record_hash = ?, chain_hash = ? WHERE room_id = ? AND hand_number = ?', [
            h.record_hash,
            h2,
            roomId,
            n,
          ]);
        }
        await tx.run('UPDATE room_hands SET sealed = ? WHERE room_id = ? AND hand_number = 1', [
          server.rooms.sealer.sealRecord(original, roomId, 1),
          roomId,
        ]);
      });
      assert.ok((await server.rooms.verifyChain(roomId)).ok);
    });

    it('keeps playing through a TSA outage, alerts on the lag, and attests everything once the TSA is back', async () => {
      const port = Number(new URL(tsa.url).port);
      const identity = tsa.identity;
      await tsa.close();
      // Play goes on: a hand ends and is stored while nobody can time-stamp it.
      await playRoom(server, clients, roomId, botRng(`${backend}-outage`), { handsMax: 1 });
      assert.equal((await attestation(3)).json.state, 'queued');
      await assert.rejects(server.attestHands(), (e: { code?: string }) => e.code === 'TSA_UNAVAILABLE');
      const waiting = await server.platform.notary.status();
      assert.equal(waiting.rootsWaiting, 1, 'the root is built and kept, waiting for its token');
      assert.match(waiting.roots[0]?.lastError ?? '', /TSA_UNAVAILABLE/);
      assert.equal((await attestation(3)).json.state, 'waiting');
      await playRoom(server, clients, roomId, botRng(`${backend}-outage2`), { handsMax: 1 });
      assert.equal((await attestation(4)).json.state, 'queued', 'a hand finished during the outage waits in the queue');

      // Past the alert line (ten minutes by default) the console's alerts show the lag.
      clock.advanceMs(11 * 60_000);
      const opened = await server.platform.operating.alerts.evaluate();
      assert.ok(opened.opened.includes('notary_attestation_lag_ms'));
      const console_ = await server.platform.operating.alerts.list();
      assert.equal(console_.find((al) => al.metric === 'notary_attestation_lag_ms')?.state, 'open');
      const metrics = await server.platform.metrics.collectAndRender();
      assert.match(metrics, /fg_notary_lag_seconds \d{3,}/);

      // The TSA is back (same address, same keys): the waiting root first, then the queue.
      tsa = await startTsaSandbox({ clock, port, identity });
      assert.equal(await server.attestHands(), 2);
      assert.equal((await attestation(3)).json.state, 'attested');
      assert.equal((await attestation(4)).json.state, 'attested');
      const status = await server.platform.notary.status();
      assert.equal(status.rootsWaiting, 0);
      assert.equal(status.queued, 0);
      assert.equal(status.lagMs, 0);
      const outageRoot = status.roots.find((r) => r.treeSize === 1 && r.attempts === 2);
      assert.ok(outageRoot, 'the root that waited through the outage was asked for again');
      const resolved = await server.platform.operating.alerts.evaluate();
      assert.ok(resolved.resolved.includes('notary_attestation_lag_ms'));
      assert.equal((await server.rooms.verifyChain(roomId)).notarised, 4);
    });
  });
}
