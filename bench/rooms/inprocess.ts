// The rooms domain's own cost per action, without sockets or a second process: the real platform
// in this process, rooms of five driven directly through their actors (every action decided,
// persisted and broadcast to five stand-in connections that only count bytes), bots acting at once
// instead of after 400 ms. Reports actions per second on one core, CPU per action and bytes
// broadcast per action: the ceiling the socket benchmark (run.ts) works under.
//
//   npx node bench/rooms/inprocess.ts --rooms 100 --seconds 10 [--db-dir /dev/shm] [--keep-db]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@fairground/core';
import { legalActions } from '@fairground/rules';
import { createSqliteStore } from '../../packages/server/src/adapters/sqlite/index.ts';
import { createPlatform } from '../../packages/server/src/app.ts';
import { loadPolicyFile } from '../../packages/server/src/compliance/index.ts';
import { DEVELOPMENT_POLICY_FILE } from '../../packages/server/src/config.ts';
import { playerAccount, systemAccount } from '../../packages/server/src/ledger/index.ts';
import type { ClientFrame } from '../../packages/server/src/rooms/index.ts';
import { standInAdapters } from '../../packages/server/src/standins/index.ts';
import { standIn } from '../../packages/server/src/bindings.ts';
import { rfc3161Authority } from '../../packages/server/src/notary/index.ts';
import { startTsaSandbox } from '@fairground/timestamp';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const ROOMS = Math.min(Number(arg('rooms', '100')), 1000);
const SECONDS = Math.min(Number(arg('seconds', '10')), 120);
const SEATS = 5;

const dir = mkdtempSync(join(arg('db-dir', tmpdir()), 'fg-rooms-inprocess-'));
const store = createSqliteStore({ path: join(dir, 'rooms.db'), clock: systemClock });
const tsa = await startTsaSandbox({ clock: systemClock, unref: true });
const platform = await createPlatform({
  config: {
    logLevel: 'error',
    sessionSecret: randomBytes(32).toString('base64url'),
    dataKey: randomBytes(32),
    devLoginAllowed: true,
    termsVersion: '2026-01',
    accessTokenTtlS: 3600,
    refreshTokenTtlS: 7200,
    bodyLimitBytes: 16 * 1024,
    wechatAppIds: { miniprogram: 'wxbenchmp', h5: 'wxbenchh5' },
    serveClients: false,
    redisUrl: undefined,
  },
  store,
  clock: systemClock,
  policy: loadPolicyFile(DEVELOPMENT_POLICY_FILE),
  adapters: {
    // No real-name check or play reports: the benchmarks run under the development policy.
    realNameCheck: null,
    playReporting: null,
    // Hands are time-stamped by a local TSA in this process, as in development.
    notary: standIn(
      'RFC 3161 client → local TSA in the bench process',
      rfc3161Authority({ url: tsa.url, chainPem: tsa.chainPem, timeoutMs: 10_000, clock: systemClock }),
    ),
    ...standInAdapters({
      clock: systemClock,
      appIds: { miniprogram: 'wxbenchmp', h5: 'wxbenchh5' },
      signInSeed: 'bench',
      faceCheck: null,
      payments: null,
    }),
  },
  logger: false,
});

let bytes = 0;
let frames = 0;
/** Bytes broadcast by frame type (`hand`, `hand_patch`, `room`, …), for the split per action. */
const bytesByType = new Map<string, number>();
const rooms: { id: string; players: string[] }[] = [];
for (let r = 0; r < ROOMS; r++) {
  const players: string[] = [];
  for (let s = 0; s < SEATS; s++) players.push((await platform.accounts.players.devLogin(`in${r}s${s}`)).player.id);
  const owner = players[0] as string;
  await platform.ledger.submit({
    scope: 'bench.fund',
    key: owner,
    debit: systemAccount('adjustments', 'CNY'),
    credit: playerAccount(owner, 'CNY'),
    asset: 'CNY',
    amount: 100_000,
    code: 'adjustment',
  });
  const room = await platform.rooms.create(
    owner,
    { params: { mode: 'custom', seats: SEATS, rounds: 16 }, fee: { mode: 'cash' } },
    `10.0.${r}.0`,
  );
  for (let s = 1; s < SEATS; s++) await platform.rooms.join(players[s] as string, { code: room.code }, `10.0.${r}.${s}`);
  const actor = platform.rooms.actor(room.roomId);
  if (actor === undefined) throw new Error('room not live');
  for (const [s, playerId] of players.entries()) {
    await actor.attach({
      playerId,
      ip: `10.0.${r}.${s}`,
      send: (text) => {
        bytes += text.length;
        frames += 1;
        const type = text.slice(6, text.indexOf('"', 6));
        bytesByType.set(type, (bytesByType.get(type) ?? 0) + text.length);
      },
      close: () => {},
    });
  }
  rooms.push({ id: room.roomId, players });
}

const command = (roomId: string, playerId: string, frame: ClientFrame) => platform.rooms.actor(roomId)?.command(playerId, frame as never);
let actions = 0;
const bytes0 = bytes;
const frames0 = frames;
const byType0 = new Map(bytesByType);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const deadline = t0 + SECONDS * 1000;
await Promise.all(
  rooms.map(async (r) => {
    for (let turn = 0; performance.now() < deadline; turn++) {
      const s = platform.rooms.actor(r.id)?.state;
      if (s === undefined || (s.status !== 'waiting' && s.status !== 'playing')) return;
      if (s.hand === null) {
        for (const playerId of r.players) {
          const now = platform.rooms.actor(r.id)?.state;
          const m = now?.members.find((x) => x.playerId === playerId);
          if (now?.next && m && !m.ready)
            await command(r.id, playerId, { t: 'ready', v: now.next.sinceVersion, ready: true })?.catch(() => 0);
        }
        if (platform.rooms.actor(r.id)?.state.hand === null) await new Promise((resolve) => setTimeout(resolve, 1));
        continue;
      }
      const seat = s.hand.state.turnSeat as number;
      const playerId = s.hand.players.find((x) => x.seat === seat)?.playerId as string;
      const legal = legalActions(s.hand.state, seat);
      const target = legal.compare?.targetSeats[0];
      const action: { type: 'call' | 'compare' | 'fold'; targetSeat?: number } =
        target !== undefined && s.hand.state.round >= 4 && turn % 4 === 0
          ? { type: 'compare', targetSeat: target }
          : legal.call
            ? { type: 'call' }
            : { type: 'fold' };
      await command(r.id, playerId, { t: 'act', v: s.version, action });
      actions += 1;
    }
  }),
);
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
console.log(
  JSON.stringify({
    rooms: ROOMS,
    actionsPerS: Math.round((actions / wallMs) * 1000),
    cpuUsPerAction: Math.round((cpu.user + cpu.system) / actions),
    framesPerAction: Number(((frames - frames0) / actions).toFixed(1)),
    bytesPerAction: Math.round((bytes - bytes0) / actions),
    bytesPerActionByType: Object.fromEntries(
      [...bytesByType].map(([type, n]) => [type, Math.round((n - (byType0.get(type) ?? 0)) / actions)]).filter(([, n]) => n !== 0),
    ),
  }),
);
await platform.close();
await store.close();
// --keep-db leaves the database for bench/storage/measure.ts (the storage estimate).
if (args.includes('--keep-db')) console.log(JSON.stringify({ db: join(dir, 'rooms.db') }));
else rmSync(dir, { recursive: true, force: true });
process.exit(0);
