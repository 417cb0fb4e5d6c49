// Quick chat at the 拼三张 table as a setting: the preset phrases (Chinese and English) and the
// emoji a player may send with one tap. Operators edit them in the console; a phrase keeps its id
// when its words change, so messages already stored still say which phrase they were.
import { type Static, Type } from '@sinclair/typebox';
import { checkShape, invalid } from './check.ts';
import { CHAT_EMOJI_MAX, CHAT_PHRASE_CHARS_MAX, CHAT_PHRASES_MAX } from './limits.ts';

export const ChatPhrasesSchema = Type.Object(
  {
    phrases: Type.Array(
      Type.Object(
        {
          id: Type.String({ pattern: '^[a-z0-9_]{1,24}$' }),
          zh: Type.String({ minLength: 1, maxLength: CHAT_PHRASE_CHARS_MAX }),
          en: Type.String({ minLength: 1, maxLength: CHAT_PHRASE_CHARS_MAX * 2 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: CHAT_PHRASES_MAX },
    ),
    /** Each one emoji (a short grapheme sequence); the picker shows them in this order. */
    emoji: Type.Array(Type.String({ minLength: 1, maxLength: 8 }), { maxItems: CHAT_EMOJI_MAX }),
  },
  { additionalProperties: false },
);
export type ChatPhrases = Static<typeof ChatPhrasesSchema>;

export const DEFAULT_CHAT_PHRASES: ChatPhrases = {
  phrases: [
    { id: 'hello', zh: '大家好，很高兴见到各位！', en: 'Hello everyone, nice to meet you!' },
    { id: 'hurry', zh: '快点吧，等得花儿都谢了。', en: 'Hurry up, please!' },
    { id: 'nice', zh: '好牌！', en: 'Nice hand!' },
    { id: 'again', zh: '再来一局！', en: 'One more round!' },
    { id: 'luck', zh: '今天手气不错。', en: 'Luck is on my side today.' },
    { id: 'bye', zh: '我先走了，下次再玩。', en: 'I have to go, see you next time.' },
  ],
  emoji: ['😀', '😂', '👍', '👏', '😮', '😭', '😡', '🎉'],
};

/** Characters that would let a phrase pretend to be something else on screen (controls, bidi overrides). */
const INVISIBLE = /[\p{Cc}\p{Cf}]/u;

export function checkChatPhrases(value: unknown): ChatPhrases {
  const v = checkShape<ChatPhrases>(ChatPhrasesSchema, value);
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const [i, p] of v.phrases.entries()) {
    if (ids.has(p.id)) problems.push(`/phrases/${i}/id: ${p.id} appears twice`);
    ids.add(p.id);
    for (const lang of ['zh', 'en'] as const) {
      if (p[lang].trim() === '') problems.push(`/phrases/${i}/${lang}: empty`);
      if (INVISIBLE.test(p[lang])) problems.push(`/phrases/${i}/${lang}: holds a control or direction character`);
    }
  }
  const emoji = new Set<string>();
  for (const [i, e] of v.emoji.entries()) {
    if (emoji.has(e)) problems.push(`/emoji/${i}: appears twice`);
    emoji.add(e);
    // One picture, not words: no letters, digits or spaces.
    if (/[\p{L}\p{N}\s]/u.test(e) || INVISIBLE.test(e)) problems.push(`/emoji/${i}: not an emoji`);
  }
  if (problems.length > 0) invalid(problems);
  return v;
}
