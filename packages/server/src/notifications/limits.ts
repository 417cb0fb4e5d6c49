/** Open WebSocket connections per player (phone, tablet, a few tabs). The oldest is closed when exceeded. */
export const CONNECTIONS_PER_PLAYER_MAX = 5;
/** Open WebSocket connections per process. New ones are refused beyond this. */
export const CONNECTIONS_MAX = 10_000;
/** A client must authenticate this soon after connecting, or is disconnected. */
export const AUTH_TIMEOUT_MS = 10_000;
/** Largest message a client may send (only the auth message is expected). */
export const CLIENT_MESSAGE_BYTES_MAX = 4096;
export const NOTIFICATION_DATA_ENTRIES_MAX = 16;
export const INBOX_PAGE_MAX = 100;
