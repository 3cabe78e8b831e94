import type { RealtimeServer } from "./gateway.ts";
import { keyRoom, sessionRoom, userRoom } from "./rooms.ts";

/**
 * What the REST side tells the gateway when access changes, so live sockets follow at once instead of at token
 * expiry. Bound after the gateway exists (the HTTP app is built first). Through the Redis adapter these reach the
 * sockets of every replica.
 */
export type RealtimeControl = {
  apiKeyRevoked(keyId: string): void;
  memberRemoved(orgId: string, userId: string): void;
  /** Logged out, or revoked for refresh-token reuse: the session's sockets end now. */
  sessionsRevoked(sessionIds: readonly string[]): void;
  bind(io: RealtimeServer): void;
};

export function createRealtimeControl(): RealtimeControl {
  let io: RealtimeServer | undefined;
  return {
    bind(server) {
      io = server;
    },
    apiKeyRevoked(keyId) {
      io?.in(keyRoom(keyId)).disconnectSockets(true);
    },
    memberRemoved(orgId, userId) {
      io?.in(userRoom(userId)).socketsLeave(`org:${orgId}`);
    },
    sessionsRevoked(sessionIds) {
      for (const id of sessionIds) io?.in(sessionRoom(id)).disconnectSockets(true);
    },
  };
}
