// Every bound of the voice domain, named.

/** Players in one browser call: a full mesh, each sends its audio to every other (seed: up to 6 seats). */
export const VOICE_MESH_MAX = 6;
/** Participants one room's call keeps at most, WeChat listeners included (a room's members are bounded too). */
export const VOICE_PARTICIPANTS_MAX = 64;
/** Calls kept in memory by one process (one per live room with voice in use). */
export const VOICE_CALLS_MAX = 100_000;
/**
 * Lifetime of TURN REST credentials, in seconds: long enough for a table's session, short enough
 * that a leaked one is soon useless (the draft suggests a day; a table does not need that long).
 */
export const TURN_CREDENTIAL_TTL_S = 3600;
/** TURN URLs handed to a client at most. */
export const TURN_URLS_MAX = 4;
/** WeChat's nonce for the VoIP signature must be shorter than 128 characters; ours is 32 hex. */
export const VOIP_NONCE_BYTES = 16;
