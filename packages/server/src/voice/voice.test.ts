// The voice domain's pure parts against worked vectors computed independently (`openssl dgst`), and
// the call's rules against a stand-in room: who may join which way, what the joiner is handed, how
// signalling is addressed, and who hears that a call ended.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { AppError, ManualClock } from '@fairground/core';
import type { VoiceCommandFrame } from '../rooms/frames.ts';
import type { VoiceRoom } from '../rooms/ports.ts';
import { VoiceCalls } from './calls.ts';
import { TURN_CREDENTIAL_TTL_S, VOICE_MESH_MAX } from './limits.ts';
import { voipGroupId, voipNonce, voipSignature, voipSignString } from './signature.ts';
import { turnCredentials, turnPassword, turnUserOf } from './turn.ts';

describe('the WeChat VoIP signature', () => {
  it('sorts the four values, joins them and signs with HMAC-SHA256 under the session_key (worked vectors)', () => {
    // printf '%s' 0123…1767225600fg-room-r_demo01wx1234567890abcdef | openssl dgst -sha256 -hmac 'HyVFkGl5F5OQWJZZaNzBBg=='
    const a = {
      appId: 'wx1234567890abcdef',
      groupId: 'fg-room-r_demo01',
      nonceStr: '0123456789abcdef0123456789abcdef',
      timeStamp: 1767225600,
    };
    assert.equal(voipSignString(a), '0123456789abcdef0123456789abcdef1767225600fg-room-r_demo01wx1234567890abcdef');
    assert.equal(voipSignature('HyVFkGl5F5OQWJZZaNzBBg==', a), 'ce08361c53571f9a37d9f9edba55105ffc86362bfe6a6ed25882385a8c434c9b');
    // Sorting is by code unit: digits, then capitals, then small letters.
    const b = { appId: 'wxa1b2c3d4e5f60718', groupId: 'Table-88', nonceStr: 'zz9nonce', timeStamp: 1700000000 };
    assert.equal(voipSignString(b), '1700000000Table-88wxa1b2c3d4e5f60718zz9nonce');
    assert.equal(voipSignature('tiWrq1Z9UqvK2W6w/ReQGA==', b), '232cce18ffe16a8f3db82cc758e98a9412f66139abe7286cbd3e7310be55f240');
  });

  it('names one group per room and draws nonces WeChat accepts (under 128 characters)', () => {
    assert.equal(voipGroupId('r_abc'), 'fg-room-r_abc');
    const n = voipNonce();
    assert.match(n, /^[0-9a-f]{32}$/);
    assert.notEqual(n, voipNonce());
  });
});

describe('TURN REST credentials', () => {
  it('are `<expiry>:<user>` with base64(HMAC-SHA1(secret, username)) as the password (worked vector)', () => {
    // printf '%s' 1767229200:4f2a9c0e1b3d5a77 | openssl dgst -sha1 -hmac north-wind-turn-secret-2026 -binary | base64
    assert.equal(turnPassword('north-wind-turn-secret-2026', '1767229200:4f2a9c0e1b3d5a77'), '559zBQkKILrsYWVFA5fxnjqlVKo=');
    const c = turnCredentials({ secret: 'north-wind-turn-secret-2026', urls: ['turn:127.0.0.1:3478'] }, '4f2a9c0e1b3d5a77', 1767225600_000);
    assert.equal(c.username, `${1767225600 + TURN_CREDENTIAL_TTL_S}:4f2a9c0e1b3d5a77`);
    assert.equal(c.credential, '559zBQkKILrsYWVFA5fxnjqlVKo=');
    assert.equal(c.expiresAtMs, 1767229200_000);
    assert.deepEqual(c.urls, ['turn:127.0.0.1:3478']);
  });

  it('name a player by an opaque id that does not show the account id', () => {
    const u = turnUserOf('north-wind-turn-secret-2026', 'p_alice');
    assert.match(u, /^[0-9a-f]{16}$/);
    assert.equal(u, turnUserOf('north-wind-turn-secret-2026', 'p_alice'));
    assert.notEqual(u, turnUserOf('north-wind-turn-secret-2026', 'p_bob'));
  });
});

/** A room of the stand-in kind: seats by player, every frame sent kept by player. */
function standInRoom(seats: Record<string, number | null>, o: { voiceOn?: boolean; spectatorsListen?: boolean } = {}) {
  const sent = new Map<string, Record<string, unknown>[]>();
  const room: VoiceRoom = {
    id: 'r_test',
    voiceOn: o.voiceOn ?? true,
    spectatorsListen: o.spectatorsListen ?? false,
    seatOf: (p) => seats[p],
    send: (p, text) => sent.set(p, [...(sent.get(p) ?? []), JSON.parse(text) as Record<string, unknown>]),
  };
  const last = (p: string, t: string) => (sent.get(p) ?? []).filter((f) => f.t === t).at(-1);
  return { room, sent, last };
}

async function refused(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof AppError && e.code === code);
}

const SECRET = 'unit-test-turn-secret';
const SESSION_KEYS: Record<string, string> = { p_mg: 'HyVFkGl5F5OQWJZZaNzBBg==', p_watch: 'tiWrq1Z9UqvK2W6w/ReQGA==' };

function calls(o: { turn?: boolean; wechat?: boolean } = {}) {
  return new VoiceCalls({
    clock: new ManualClock(1767225600_000),
    turn: o.turn === false ? null : { secret: SECRET, urls: ['turn:127.0.0.1:3478?transport=udp'] },
    wechat:
      o.wechat === false
        ? null
        : {
            appId: 'wx1234567890abcdef',
            sessionOf: async (p) => (SESSION_KEYS[p] ? { sessionKey: SESSION_KEYS[p] as string, openid: `o_${p}` } : null),
          },
  });
}

const join = (via: 'webrtc' | 'wechat'): VoiceCommandFrame => ({ t: 'voice_join', via });
const offer = (to: number): VoiceCommandFrame => ({ t: 'voice_signal', to, kind: 'offer', sdp: 'v=0\r\n' });

describe('a table call', () => {
  it('hands a seated player TURN credentials that the TURN server will recompute, and tells everyone in the call the seats', async () => {
    const v = calls();
    const { room, last } = standInRoom({ a: 0, b: 1 });
    await v.frame(room, 'a', join('webrtc'));
    await v.frame(room, 'b', join('webrtc'));
    const joined = last('b', 'voice.joined') as {
      seat: number;
      turn: { username: string; credential: string; ttlS: number; urls: string[] };
    };
    assert.equal(joined.seat, 1);
    assert.equal(joined.turn.credential, createHmac('sha1', SECRET).update(joined.turn.username).digest('base64'));
    assert.equal(joined.turn.username, `${1767225600 + TURN_CREDENTIAL_TTL_S}:${turnUserOf(SECRET, 'b')}`);
    assert.ok(!joined.turn.username.includes('b:') && joined.turn.ttlS === TURN_CREDENTIAL_TTL_S);
    assert.deepEqual(last('a', 'voice.roster')?.peers, [
      { seat: 0, via: 'webrtc' },
      { seat: 1, via: 'webrtc' },
    ]);
  });

  it('relays an offer to the addressed seat only, from the sender’s seat, and refuses bad addressing with its own code', async () => {
    const v = calls();
    const { room, sent, last } = standInRoom({ a: 0, b: 1, c: 2 });
    await v.frame(room, 'a', join('webrtc'));
    await v.frame(room, 'b', join('webrtc'));
    await v.frame(room, 'a', offer(1));
    assert.deepEqual(last('b', 'voice.signal'), { t: 'voice.signal', from: 0, kind: 'offer', sdp: 'v=0\r\n' });
    assert.equal(last('a', 'voice.signal'), undefined);
    await v.frame(room, 'b', {
      t: 'voice_signal',
      to: 0,
      kind: 'ice',
      candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ relay', sdpMid: '0', sdpMLineIndex: 0 },
    });
    assert.equal((last('a', 'voice.signal') as { kind: string }).kind, 'ice');
    await refused(v.frame(room, 'a', offer(0)), 'VOICE_SIGNAL_SELF');
    await refused(v.frame(room, 'a', offer(2)), 'VOICE_PEER_ABSENT');
    await refused(v.frame(room, 'c', offer(0)), 'VOICE_NOT_IN_CALL');
    assert.equal(sent.get('c'), undefined, 'a player outside the call hears nothing of it');
  });

  it('refuses voice where the option is off, spectators in the mesh, a seventh player, and browser voice without TURN', async () => {
    await refused(calls().frame(standInRoom({ a: 0 }, { voiceOn: false }).room, 'a', join('webrtc')), 'VOICE_OFF');
    await refused(calls().frame(standInRoom({ s: null }).room, 's', join('webrtc')), 'VOICE_NOT_SEATED');
    await refused(calls({ turn: false }).frame(standInRoom({ a: 0 }).room, 'a', join('webrtc')), 'VOICE_TURN_UNCONFIGURED');
    const seats: Record<string, number> = {};
    for (let i = 0; i <= VOICE_MESH_MAX; i++) seats[`p${i}`] = i;
    const v = calls();
    const { room } = standInRoom(seats);
    for (let i = 0; i < VOICE_MESH_MAX; i++) await v.frame(room, `p${i}`, join('webrtc'));
    await refused(v.frame(room, `p${VOICE_MESH_MAX}`, join('webrtc')), 'VOICE_CALL_FULL');
  });

  it('signs wx.joinVoIPChat for a mini-game player from their session_key; a spectator listens only where the room allows it', async () => {
    const v = calls();
    const { room, last } = standInRoom({ p_mg: 2, p_watch: null, p_h5: 1 }, { spectatorsListen: true });
    await v.frame(room, 'p_mg', join('wechat'));
    const voip = (
      last('p_mg', 'voice.joined') as {
        voip: { groupId: string; nonceStr: string; timeStamp: number; signature: string; muteMicrophone: boolean };
      }
    ).voip;
    assert.equal(voip.groupId, 'fg-room-r_test');
    assert.equal(voip.timeStamp, 1767225600);
    const str = ['wx1234567890abcdef', voip.groupId, voip.nonceStr, String(voip.timeStamp)].sort().join('');
    assert.equal(
      voip.signature,
      createHmac('sha256', SESSION_KEYS.p_mg as string)
        .update(str)
        .digest('hex'),
    );
    assert.equal(voip.muteMicrophone, false);
    assert.deepEqual(last('p_mg', 'voice.roster')?.openids, [{ seat: 2, openid: 'o_p_mg' }]);
    await v.frame(room, 'p_watch', join('wechat'));
    assert.equal((last('p_watch', 'voice.joined') as { voip: { muteMicrophone: boolean } }).voip.muteMicrophone, true);
    await refused(v.frame(room, 'p_h5', join('wechat')), 'VOICE_MINIGAME_SESSION_REQUIRED');
    const closed = standInRoom({ p_watch: null }, { spectatorsListen: false });
    await refused(calls().frame(closed.room, 'p_watch', join('wechat')), 'VOICE_LISTEN_NOT_ALLOWED');
    await refused(calls({ wechat: false }).frame(standInRoom({ p_mg: 0 }).room, 'p_mg', join('wechat')), 'VOICE_MINIGAME_SESSION_REQUIRED');
  });

  it('tells a dropped player why their voice ended and the rest the seats left; ending the call tells everyone', async () => {
    const v = calls();
    const { room, last } = standInRoom({ a: 0, b: 1, c: 2 });
    for (const p of ['a', 'b', 'c']) await v.frame(room, p, join('webrtc'));
    v.drop(room, 'b', 'kicked');
    assert.deepEqual(last('b', 'voice.ended'), { t: 'voice.ended', reason: 'kicked' });
    assert.deepEqual(last('a', 'voice.roster')?.peers, [
      { seat: 0, via: 'webrtc' },
      { seat: 2, via: 'webrtc' },
    ]);
    await refused(v.frame(room, 'a', offer(1)), 'VOICE_PEER_ABSENT');
    await v.frame(room, 'c', { t: 'voice_leave' });
    assert.deepEqual(last('c', 'voice.ended'), { t: 'voice.ended', reason: 'left' });
    v.end(room, 'voice_off');
    assert.deepEqual(last('a', 'voice.ended'), { t: 'voice.ended', reason: 'voice_off' });
    assert.equal(v.active(room.id), false);
  });
});
