// The subscription-message kinds (light: configuration reads it before the heavy modules load).
// Service messages only, each answering something the player did or asked for; never marketing.
export const SUBSCRIBE_KINDS = ['friend_room', 'turn_away', 'withdrawal_arrived', 'report_handled'] as const;
export type SubscribeKind = (typeof SUBSCRIBE_KINDS)[number];
/** Each kind's template id, as WeChat's console gave it (公众平台 → 订阅消息); a kind without one is never sent. */
export type SubscribeTemplates = Partial<Readonly<Record<SubscribeKind, string>>>;

/** Parses `kind=templateId,kind=templateId` (FAIRGROUND_SUBSCRIBE_TEMPLATES). */
export function parseSubscribeTemplates(value: string | undefined): SubscribeTemplates {
  const out: Partial<Record<SubscribeKind, string>> = {};
  if (value === undefined || value.trim() === '') return out;
  for (const pair of value.split(',')) {
    const [kind, id] = pair.split('=') as [string, string | undefined];
    if (!(SUBSCRIBE_KINDS as readonly string[]).includes(kind) || id === undefined || !/^[0-9A-Za-z_-]{1,128}$/.test(id))
      throw new RangeError(`not kind=templateId: ${pair.slice(0, 140)}`);
    out[kind as SubscribeKind] = id;
  }
  return out;
}
