// Cluster: several fairground processes on one PostgreSQL and one Redis. The public surface for
// the composition root (app.ts, main.ts) and tests.
export {
  createDependencyBreakers,
  type DependencyBreakers,
  guardIdentityCheck,
  guardIdentityProvider,
  guardTimestampAuthority,
  guardRealNameAuthority,
  registerBreakerMetrics,
} from './breakers.ts';
export { Cluster, type ClusterLogger, type ClusterOptions, type NodeInfo } from './cluster.ts';
export { type FriendRoom, type Presence, presenceOf } from './directory.ts';
export { ClusterErrors } from './errors.ts';
export { LEASE_MS_DEFAULT, LEASE_MS_MAX, LEASE_MS_MIN } from './limits.ts';
export type { CommandFrame, LiveRoom, RoomDirectoryPort, RoomHost } from './ports.ts';
export { clientKey, memoryRateLimiter, type RateLimiter, redisRateLimiter, registerRateLimit } from './rate-limit.ts';
export { Keys } from './redis.ts';
export { clusterRoomRouter } from './router.ts';
