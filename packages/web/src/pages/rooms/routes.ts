// The room pages' hash routes: `#/rooms`, `#/room-create`, `#/join/<code>?i=<invitation>`
// (or `#/join?code=<code>`), `#/room/<roomId>`, `#/room-history/<roomId>` and `#/room-rules[/<roomId>]`. Kept tiny and
// separate so the app shell can route without loading the pages.
export const ROOM_ROUTES = ['rooms', 'room-create', 'join', 'room', 'room-history', 'room-rules'] as const;
export type RoomRoute = (typeof ROOM_ROUTES)[number];

export function isRoomRoute(r: string): r is RoomRoute {
  return (ROOM_ROUTES as readonly string[]).includes(r);
}

/** The room route a hash points at (`#/join/123456?i=…` → 'join'), or null. */
export function roomRouteOf(hash: string): RoomRoute | null {
  const head = (hash.replace(/^#\/?/, '').split('?')[0] ?? '').split('/')[0] ?? '';
  return isRoomRoute(head) ? head : null;
}
