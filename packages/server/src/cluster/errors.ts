// Refusals that come from running on several nodes: a table moving between servers, a server that
// stopped answering, no server able to take a new table, the shared game service (Redis) being
// unreachable. Each is retryable and says so in words a player understands; clients reconnect on
// their own. `src/errors.catalogue.json` pins the codes.
import { defineErrors } from '@fairground/core';

export const ClusterErrors = defineErrors('cluster', {
  CLUSTER_ROOM_MOVING: {
    status: 503,
    message: 'the table is moving to another server; it reconnects by itself in a moment',
    retryable: true,
  },
  CLUSTER_NODE_UNREACHABLE: {
    status: 503,
    message: 'the server holding this table did not answer; reconnecting',
    retryable: true,
  },
  CLUSTER_NO_ROOM_NODE: {
    status: 503,
    message: 'no game server can open a new table right now; please try again in a minute',
    retryable: true,
  },
  CLUSTER_UNAVAILABLE: {
    status: 503,
    message: 'the game service is reconnecting; tables pause and resume by themselves',
    retryable: true,
  },
  CLUSTER_BUSY: { status: 503, message: 'the game service is busy; please try again', retryable: true },
});
