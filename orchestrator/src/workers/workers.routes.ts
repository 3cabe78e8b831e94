import { listOf, ZOrgIdParams } from "@mirage/contracts/common";
import { type TWorkerInfo, workerAliveKey, workerRegistryKey, ZWorkerInfo } from "@mirage/contracts/worker-bus";
import { type TWorkerStatus, ZWorkerStatus } from "@mirage/contracts/workers";
import type { Database } from "@mirage/db";
import type { Redis } from "ioredis";
import { ADMIN_ROLES, withOrg } from "../auth/principal.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";

/** Workers whose heartbeat lapsed more than this long ago are left out (the placement service prunes them later). */
const SHOW_DEAD_FOR_MS = 15 * 60_000;

/**
 * Every registered session host with its load and liveness, for the health board. A worker is live while its
 * alive key (heartbeat TTL) exists; a recently dead one is listed as not live so admins see why instances move.
 */
export async function listWorkerStatuses(redis: Redis, ns: string, now = Date.now()): Promise<TWorkerStatus[]> {
  const entries = await redis.hgetall(workerRegistryKey(ns));
  const workers: TWorkerInfo[] = [];
  for (const value of Object.values(entries)) {
    let json: unknown;
    try {
      json = JSON.parse(value);
    } catch {
      continue;
    }
    const parsed = ZWorkerInfo.safeParse(json);
    if (parsed.success) workers.push(parsed.data);
  }
  if (workers.length === 0) return [];
  const alive = await redis.mget(...workers.map((w) => workerAliveKey(ns, w.id)));
  return workers
    .map((w, i) => ({
      id: w.id,
      live: Boolean(alive[i]),
      capacity: w.capacity,
      hosted: w.hosted,
      startedAt: w.startedAt,
      heartbeatAt: w.heartbeatAt,
    }))
    .filter((w) => w.live || now - Date.parse(w.heartbeatAt) < SHOW_DEAD_FOR_MS)
    .sort((a, b) => a.id.localeCompare(b.id));
}

export function workerRoutes(deps: { db: Database; redis: Redis; ns: string }): RouteDef[] {
  const { db, redis, ns } = deps;
  return [
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/workers",
      summary: "The session hosts with their load and liveness (for the health board)",
      description:
        "Workers are shared by the deployment: `hosted` counts sessions of every organization. Host names and " +
        "process ids are not exposed. Live means its heartbeat is current; a worker dead for over 15 minutes is omitted.",
      tags: ["instances"],
      auth: { kind: "any", scopes: ["admin"] },
      roles: ADMIN_ROLES,
      params: ZOrgIdParams,
      responses: {
        200: {
          description: "Workers",
          schema: listOf(ZWorkerStatus),
          example: { items: [ZWorkerStatus.meta()?.example] },
        },
      },
      async handler({ params, principal }) {
        // Membership and role are checked through RLS like every organization route.
        await withOrg(db, principal, params.orgId, ADMIN_ROLES, async () => undefined);
        return { status: 200, body: { items: await listWorkerStatuses(redis, ns) } };
      },
    }),
  ];
}
