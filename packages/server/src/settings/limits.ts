// Every bound of the settings domain, named.

/** A stored value's JSON, in characters (the agreement's four texts are the largest). */
export const SETTING_JSON_CHARS_MAX = 60_000;
/**
 * One agreement or privacy-policy text, per language, in characters: four of them in Chinese
 * (3 bytes a character in UTF-8) fit the API's default 64 KiB body.
 */
export const AGREEMENT_TEXT_CHARS_MAX = 4_000;
/** Versions of one setting returned in one page of its history. */
export const HISTORY_PAGE_MAX = 100;
/**
 * A node re-reads a setting from the database when its cached copy is older than this, even without
 * a change notice: pub/sub keeps nothing, so a notice lost while Redis was away is made good here.
 */
export const CACHE_TTL_MS = 30_000;
/** Tournament templates, VIP tiers and skins the settings may hold. */
export const TEMPLATES_MAX = 32;
export const VIP_TIERS_MAX = 10;
export const SKINS_MAX = 32;
/** Skill games the catalogue may hold. */
export const SKILL_GAMES_MAX = 16;
/** Quick-chat phrases and emoji the settings may hold, and the length of one phrase (Chinese characters; English twice that). */
export const CHAT_PHRASES_MAX = 24;
export const CHAT_EMOJI_MAX = 24;
export const CHAT_PHRASE_CHARS_MAX = 30;
