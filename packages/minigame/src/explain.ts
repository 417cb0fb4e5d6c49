// What a refusal means to a player: the policy's reason in words where we know it (minors'
// windows, breaks, self-exclusion), else the words the H5 client has for every code the server
// sends (packages/web/src/shared/error-texts.ts, checked against the server's catalogue). A raw
// code or the server's English developer message never reaches the screen. The server decides;
// the mini-game only says why.
import { DENY_REASON_TEXTS, ERROR_TEXTS } from '../../web/src/shared/error-texts.ts';
import { ApiError } from './api.ts';
import { clockText, type Lang, tr } from './i18n.ts';

const REASONS: Readonly<Record<string, { zh: string; en: string }>> = {
  MINOR_OUTSIDE_PLAY_WINDOW: {
    zh: '未成年人仅可在周五、周六、周日和法定节假日的 20:00–21:00 游戏',
    en: 'Players under 18 may play only 20:00–21:00 on Fridays, weekends and public holidays',
  },
  MINOR_ACTION_DENIED: { zh: '未成年人不能使用此功能', en: 'This is not offered to players under 18' },
  MINOR_CALENDAR_MISSING: { zh: '本年度未成年人游戏日历尚未发布', en: 'The play calendar for minors is not published yet' },
  BREAK_REQUIRED: { zh: '已连续游戏较长时间，请先休息', en: 'You have played long enough without a break: rest first' },
  SELF_EXCLUDED: { zh: '你设置的自我排除期尚未结束', en: 'Your self-exclusion has not ended' },
  REAL_NAME_REQUIRED: { zh: '请先完成实名认证', en: 'Verify your real name first' },
  REGION_EXCLUDED: { zh: '你所在的地区不提供此游戏', en: 'This game is not offered in your region' },
  GAME_MODE_NOT_ALLOWED: { zh: '当前政策不允许此玩法', en: 'The policy does not allow this game' },
  TERMS_NOT_ACCEPTED: { zh: '请先同意用户协议', en: 'Accept the user agreement first' },
  ROOM_CARDS_INSUFFICIENT: { zh: '房卡不足', en: 'Not enough room cards' },
  ROOM_FULL: { zh: '房间已满', en: 'The room is full' },
  ROOM_NOT_FOUND: { zh: '房间不存在或已结束', en: 'No such room, or it has ended' },
  ROOM_KICKED: { zh: '你已被移出房间', en: 'You were removed from the room' },
  ROOM_LEFT: { zh: '你已离开房间', en: 'You left the room' },
  ROOM_DISSOLVED: { zh: '房间已解散', en: 'The room was dissolved' },
  ANALYTICS_HAND_NOT_FOUND: { zh: '这一局的记录还没有生成，请稍后再试', en: 'This hand’s record is not there yet: try again shortly' },
};

export function explain(lang: Lang, e: unknown): string {
  if (e instanceof ApiError) {
    const reason = typeof e.details?.reason === 'string' ? e.details.reason : e.code;
    const known = REASONS[reason] ?? REASONS[e.code];
    const retry = typeof e.details?.retryAtMs === 'number' ? ` (${clockText(e.details.retryAtMs)})` : '';
    if (e.code === 'COMPLIANCE_DENIED') {
      const words = known?.[lang] ?? pick(DENY_REASON_TEXTS[reason], lang) ?? reasonText(lang, e.code);
      return tr(lang, 'denied', { reason: words + retry });
    }
    return known?.[lang] ?? reasonText(lang, e.code);
  }
  return tr(lang, 'error', { message: e instanceof Error ? e.message : String(e) });
}

/** What to try when nothing better is known about a failure. */
const FALLBACK: Readonly<Record<Lang, string>> = {
  zh: '操作没有成功，请稍后再试',
  en: 'That did not work: try again shortly',
};

function pick(pair: readonly [string, string] | undefined, lang: Lang): string | null {
  return pair === undefined ? null : lang === 'zh' ? pair[0] : pair[1];
}

/** The player's words for an error code (a room's refusal, a closed room's reason); never the code itself. */
export function reasonText(lang: Lang, code: string): string {
  return REASONS[code]?.[lang] ?? pick(ERROR_TEXTS[code], lang) ?? FALLBACK[lang];
}
