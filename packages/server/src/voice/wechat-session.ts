// A player's mini-game session for the VoIP signature: the session_key of their latest sign-in to
// the mini-game app (kept sealed by the accounts domain, bound to the app and openid, replaced on
// every wx.login), opened here only to sign and never sent to any client.
import type { Sealer } from '../accounts/index.ts';
import type { Reader } from '../storage/ports.ts';
import type { VoiceWechat } from './calls.ts';

export function wechatSessions(o: { readonly reader: Reader; readonly sealer: Sealer; readonly appId: string }): VoiceWechat {
  return {
    appId: o.appId,
    async sessionOf(playerId) {
      const rows = await o.reader.query<{ openid: string; sealed_session_key: string }>(
        'SELECT openid, sealed_session_key FROM player_wechat_sessions WHERE app_id = ? AND player_id = ? ORDER BY updated_at_ms DESC LIMIT 1',
        [o.appId, playerId],
      );
      const row = rows[0];
      if (row === undefined) return null;
      try {
        return { sessionKey: o.sealer.open(row.sealed_session_key, `${o.appId}:${row.openid}`), openid: row.openid };
      } catch {
        // A row sealed under another key (a rotated data key) is as good as no session: sign in again.
        return null;
      }
    },
  };
}
