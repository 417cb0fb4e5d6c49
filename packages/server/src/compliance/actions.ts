// Every money or play action the platform can be asked to do. A policy names these; a route tagged
// `money` or `play` names the one it performs, and the compliance check runs before its handler.
// New actions are appended, never renamed: policy files in the field refer to them by name.
export const COMPLIANCE_ACTIONS = [
  'deposit',
  'withdraw',
  'buy_room_cards',
  'create_room',
  'join_room',
  'start_paid_session',
  'start_free_session',
  'enter_tournament',
  'redeem_points',
  'adjust_balance',
  'refund_deposit',
  'review_withdrawal',
  'grant_promotion',
  'buy_skin',
] as const;

export type ComplianceAction = (typeof COMPLIANCE_ACTIONS)[number];

export function isComplianceAction(value: string): value is ComplianceAction {
  return (COMPLIANCE_ACTIONS as readonly string[]).includes(value);
}

/** The actions a player takes (the rest are operators'): what real name and guest rules are about. */
export const PLAYER_ACTIONS: readonly ComplianceAction[] = [
  'deposit',
  'withdraw',
  'buy_room_cards',
  'create_room',
  'join_room',
  'start_paid_session',
  'start_free_session',
  'enter_tournament',
  'redeem_points',
  'buy_skin',
];

// Money and play routes name their action in the HTTP kernel's terms; this makes those terms ours.
declare module '../http/endpoint.ts' {
  interface EndpointVocabulary {
    readonly action: ComplianceAction;
  }
}
