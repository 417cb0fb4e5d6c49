// Every bound the cluster keeps, named once. Times are milliseconds; counts are maxima.

/** How long a room's ownership lease lasts without renewal (FAIRGROUND_ROOM_LEASE_MS). */
export const LEASE_MS_DEFAULT = 10_000;
export const LEASE_MS_MIN = 300;
export const LEASE_MS_MAX = 120_000;
/** Leases are renewed this many times per lease period, so one or two lost renewals never cost a room. */
export const RENEWALS_PER_LEASE = 4;
/**
 * A node stops writing for a room this share of the lease before the lease could expire in Redis,
 * measured from when the last successful renewal was *sent*: the slack covers clock-rate drift and
 * a late timer, so the old owner has always stopped before anyone else can claim.
 */
export const LEASE_SAFETY_DIVISOR = 5;
/** Room leases renewed by one script call. */
export const RENEW_BATCH_MAX = 500;
/** Rooms one node claims in one pass (others are left for the other nodes' passes). */
export const CLAIM_BATCH_MAX = 50;
/** Rooms one node owns at once; beyond it the node claims nothing more and new tables go elsewhere. */
export const OWNED_ROOMS_MAX = 20_000;
/** After a room fails to rebuild, it is offered again this much later (not in a hot loop). */
export const ADOPT_RETRY_MS = 30_000;

/** Calls waiting for a reply from another node. */
export const RPC_PENDING_MAX = 10_000;
/**
 * How long a call to another node may take. Generous on purpose: a node that died is noticed by
 * the registry (its calls fail then, at once), so this only bounds a live node that is very busy —
 * a burst of hands starting together must not cut players off, as it would not on their own node.
 */
export const RPC_TIMEOUT_MS = 30_000;
/** One published bus message; a larger batch is split. */
export const BUS_MESSAGE_BYTES_MAX = 512 * 1024;
/** Players connected here to rooms owned elsewhere, and players elsewhere attached to rooms owned here. */
export const RELAYS_MAX = 50_000;
/** Largest request or reply body between nodes (a room preview or a created room is a few kB). */
export const RPC_BODY_BYTES_MAX = 64 * 1024;

/** Live nodes read from the registry. */
export const NODES_MAX = 1_000;
/** Rooms the orphan sweep reads from the database per pass. */
export const ORPHAN_SWEEP_PAGE = 500;
/** Friends whose rooms are read from the friends-visible index at once. */
export const FRIENDS_LOOKUP_MAX = 200;
/** Open friends-visible rooms listed per friend. */
export const ROOMS_PER_FRIEND_MAX = 20;

/** Redis calls fail after this long; a dependency that does not answer is treated as down. */
export const REDIS_CALL_TIMEOUT_MS = 2_000;
/** Reconnection attempts to Redis back off up to this pause: short, so rooms resume well within one lease once Redis is back. */
export const REDIS_RECONNECT_MS_MAX = 250;

/** Keys the in-memory rate limiter tracks (embedded mode, or while Redis is down). */
export const RATE_LIMIT_KEYS_MAX = 100_000;
/** The rate-limit window. */
export const RATE_WINDOW_MS = 10_000;
