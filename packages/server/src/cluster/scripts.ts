// The Lua scripts behind leases and the node registry. Each runs atomically in Redis and reads the
// time from Redis itself (TIME), so every node agrees on when a lease expires whatever its own
// clock says. Some scripts build key names from a prefix instead of declaring every key: fine on a
// single Redis primary; Redis Cluster would need the keys hash-tagged per shard (see README).

const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

export const SCRIPTS = {
  /**
   * Claims a room whose lease is free. KEYS: lease, leases, room hash. ARGV: owner, leaseMs, roomId, nodeId.
   * Returns 1 (claimed; the room's epoch in its hash goes up by one), 2 (already ours), 0 (held by
   * another; its expiry is written back to the sorted set so claimers stop asking until then).
   */
  fgClaim: {
    keys: 3,
    lua: `${NOW}
local cur = redis.call('GET', KEYS[1])
if cur then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl > 0 then redis.call('ZADD', KEYS[2], now + ttl, ARGV[3]) end
  if cur == ARGV[1] then return 2 end
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[3])
redis.call('HINCRBY', KEYS[3], 'epoch', 1)
redis.call('HSET', KEYS[3], 'owner', ARGV[1], 'node', ARGV[4])
return 1`,
  },
  /**
   * Renews this node's leases. KEYS: leases. ARGV: owner, leaseMs, lease key prefix, then room ids.
   * Per room: 1 renewed; 2 taken again because the key was gone (Redis lost its data; the caller
   * only renews rooms whose lease it still holds by its own clock, so nobody else can have claimed
   * them); 0 held by another node (the caller lets the room go).
   */
  fgRenew: {
    keys: 1,
    lua: `${NOW}
local lease = tonumber(ARGV[2])
local out = {}
for i = 4, #ARGV do
  local key = ARGV[3] .. ARGV[i]
  local cur = redis.call('GET', key)
  if cur == ARGV[1] then
    redis.call('PEXPIRE', key, lease)
    redis.call('ZADD', KEYS[1], now + lease, ARGV[i])
    out[#out + 1] = 1
  elseif not cur then
    redis.call('SET', key, ARGV[1], 'PX', lease)
    redis.call('ZADD', KEYS[1], now + lease, ARGV[i])
    out[#out + 1] = 2
  else
    out[#out + 1] = 0
  end
end
return out`,
  },
  /**
   * Hands a room over: frees its lease and makes it due after `delayMs` (0: at once; later after a
   * rebuild failed, so the room is not passed around in a hot loop). KEYS: lease, leases.
   * ARGV: owner, roomId, delayMs.
   */
  fgRelease: {
    keys: 2,
    lua: `${NOW}
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  local delay = tonumber(ARGV[3])
  redis.call('ZADD', KEYS[2], delay > 0 and (now + delay) or 0, ARGV[2])
  return 1
end
return 0`,
  },
  /**
   * Forgets a room that ended: its lease, listing, presence and code. KEYS: lease, leases, room hash.
   * ARGV: owner, roomId, code key prefix. Refuses (0) when another node holds the lease.
   */
  fgForget: {
    keys: 3,
    lua: `local cur = redis.call('GET', KEYS[1])
if cur and cur ~= ARGV[1] then return 0 end
local code = redis.call('HGET', KEYS[3], 'code')
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('DEL', KEYS[3])
if code and redis.call('GET', ARGV[3] .. code) == ARGV[2] then redis.call('DEL', ARGV[3] .. code) end
return 1`,
  },
  /** Rooms whose lease is due (expired or handed over), oldest first. KEYS: leases. ARGV: limit. */
  fgDue: {
    keys: 1,
    lua: `${NOW}
return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))`,
  },
  /**
   * Offers rooms the database says are live but that hold no lease (their owner died while Redis
   * lost its data): each becomes due `graceMs` from now unless it is already listed, which gives a
   * surviving owner time to take its lease again first. KEYS: leases. ARGV: lease key prefix, graceMs, room ids.
   */
  fgOrphans: {
    keys: 1,
    lua: `${NOW}
local added = 0
for i = 3, #ARGV do
  if redis.call('EXISTS', ARGV[1] .. ARGV[i]) == 0 then
    added = added + redis.call('ZADD', KEYS[1], 'NX', now + tonumber(ARGV[2]), ARGV[i])
  end
end
return added`,
  },
  /** Code → [room id, owner token or '']. KEYS: code key. ARGV: lease key prefix. */
  fgLookupCode: {
    keys: 1,
    lua: `local id = redis.call('GET', KEYS[1])
if not id then return {} end
local owner = redis.call('GET', ARGV[1] .. id)
return { id, owner or '' }`,
  },
  /**
   * This node's heartbeat, answered with the live nodes. KEYS: nodes, this node's hash.
   * ARGV: owner, ttlMs, nodeId, roles, draining (0/1), rooms owned, node key prefix, limit.
   * Returns owner, nodeId, roles, draining, rooms for each live node.
   */
  fgHeartbeat: {
    keys: 2,
    lua: `${NOW}
local ttl = tonumber(ARGV[2])
redis.call('HSET', KEYS[2], 'nodeId', ARGV[3], 'roles', ARGV[4], 'draining', ARGV[5], 'rooms', ARGV[6])
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ttl * 10)
local live = redis.call('ZRANGEBYSCORE', KEYS[1], now, '+inf', 'LIMIT', 0, tonumber(ARGV[8]))
local out = {}
for _, o in ipairs(live) do
  local h = redis.call('HMGET', ARGV[7] .. o, 'nodeId', 'roles', 'draining', 'rooms')
  out[#out + 1] = o
  out[#out + 1] = h[1] or ''
  out[#out + 1] = h[2] or ''
  out[#out + 1] = h[3] or '0'
  out[#out + 1] = h[4] or '0'
end
return out`,
  },
  /** A node leaving the registry on a graceful stop. KEYS: nodes, this node's hash. ARGV: owner. */
  fgLeave: {
    keys: 2,
    lua: `redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2])
return 1`,
  },
  /**
   * A fixed-window counter. KEYS: counter. ARGV: windowMs. Returns [count, ms left in the window].
   */
  fgRate: {
    keys: 1,
    lua: `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { n, redis.call('PTTL', KEYS[1]) }`,
  },
} as const;

export type ScriptName = keyof typeof SCRIPTS;
