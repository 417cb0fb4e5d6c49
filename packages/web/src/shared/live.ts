// The player's live notification channel: one WebSocket, authenticated by its first message,
// reconnecting with a capped backoff. The inbox in the database stays the record; this only says
// "something changed, look again".
export interface LiveNotification {
  readonly id: string;
  readonly kind: string;
  readonly data: Record<string, string | number | boolean | null>;
  readonly createdAtMs: number;
}

const RECONNECT_DELAY_MS_MIN = 1000;
const RECONNECT_DELAY_MS_MAX = 30_000;

export function connectLive(options: {
  token: () => string | null;
  onNotification: (n: LiveNotification) => void;
  onReady?: () => void;
}): () => void {
  let socket: WebSocket | null = null;
  let closed = false;
  let delayMs = RECONNECT_DELAY_MS_MIN;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const open = () => {
    const token = options.token();
    if (closed || token === null) return;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    socket = new WebSocket(`${scheme}://${location.host}/api/notifications/ws`);
    socket.onopen = () => socket?.send(JSON.stringify({ type: 'auth', token }));
    socket.onmessage = (event) => {
      const msg = JSON.parse(String(event.data)) as { type: string; notification?: LiveNotification };
      if (msg.type === 'ready') {
        delayMs = RECONNECT_DELAY_MS_MIN;
        options.onReady?.();
      } else if (msg.type === 'notification' && msg.notification) options.onNotification(msg.notification);
    };
    socket.onclose = () => {
      socket = null;
      if (closed) return;
      timer = setTimeout(open, delayMs);
      delayMs = Math.min(delayMs * 2, RECONNECT_DELAY_MS_MAX);
    };
  };
  open();
  return () => {
    closed = true;
    clearTimeout(timer);
    socket?.close();
  };
}
