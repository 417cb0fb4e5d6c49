// The WeChat mini-game real-time voice signature (wx.joinVoIPChat). WeChat's signature guide for
// mini-games defines it as
//   str = [appId, groupId, nonceStr, timeStamp].sort().join('')
//   signature = hex(HMAC-SHA256(key = session_key, str))
// where session_key is the one code2session gave the player's current mini-game sign-in (kept
// sealed by the accounts domain), timeStamp is in Unix seconds and nonceStr is shorter than 128
// characters. The same four values go to wx.joinVoIPChat({ signature, nonceStr, timeStamp,
// groupId }); players who pass the same groupId at the same time share one voice room.
// Sources: developers.weixin.qq.com/minigame/dev/api/media/voip/wx.joinVoIPChat.html (parameters)
// and developers.weixin.qq.com/minigame/dev/guide/open-ability/signature.html (the algorithm).
import { createHmac, randomBytes } from 'node:crypto';
import { VOIP_NONCE_BYTES } from './limits.ts';

export interface VoipSignInput {
  readonly appId: string;
  readonly groupId: string;
  readonly nonceStr: string;
  /** Unix seconds. */
  readonly timeStamp: number;
}

/** The string WeChat signs: the four values as strings, sorted by code unit, joined with nothing. */
export function voipSignString(i: VoipSignInput): string {
  return [i.appId, i.groupId, i.nonceStr, String(i.timeStamp)].sort().join('');
}

/** hex(HMAC-SHA256(session_key, sorted join)), the session_key taken as its UTF-8 text. */
export function voipSignature(sessionKey: string, i: VoipSignInput): string {
  return createHmac('sha256', sessionKey).update(voipSignString(i), 'utf8').digest('hex');
}

/** The table's voice room: one per 拼三张 room, stable for its life (WeChat's groupId). */
export function voipGroupId(roomId: string): string {
  return `fg-room-${roomId}`;
}

/** A fresh nonce (32 hex characters) from node:crypto. */
export function voipNonce(): string {
  return randomBytes(VOIP_NONCE_BYTES).toString('hex');
}
