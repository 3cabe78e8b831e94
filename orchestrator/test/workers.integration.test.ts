import { workerAliveKey, workerRegistryKey } from "@mirage/contracts/worker-bus";
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Harness, startHarness } from "./harness.ts";

let h: Harness;
let a: OrgFixture;
let b: OrgFixture;

beforeAll(async () => {
  h = await startHarness();
  a = await createOrgWithMembers(h.t.admin, "workers-a");
  b = await createOrgWithMembers(h.t.admin, "workers-b");
  const now = Date.now();
  const info = (id: string, heartbeatAgoMs: number, hosted: number) =>
    JSON.stringify({
      id,
      host: "secret-host.internal",
      pid: 4242,
      capacity: 200,
      hosted,
      startedAt: new Date(now - 3_600_000).toISOString(),
      heartbeatAt: new Date(now - heartbeatAgoMs).toISOString(),
    });
  await h.redis.hset(workerRegistryKey(h.prefix), {
    "w-live": info("w-live", 500, 12),
    "w-dead": info("w-dead", 60_000, 3),
    "w-gone": info("w-gone", 3_600_000, 0),
    "w-junk": "{not json",
  });
  await h.redis.set(workerAliveKey(h.prefix, "w-live"), "1", "PX", 60_000);
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe("GET /orgs/:orgId/workers", () => {
  it("lists live and recently dead workers with their load, and nothing about the machine", async () => {
    const res = await api(h, "get", `/api/v1/orgs/${a.orgId}/workers`, { token: await h.tokenFor(a.users.admin) });
    expect(res.status).toBe(200);
    expect(res.body.items.map((w: { id: string; live: boolean }) => [w.id, w.live])).toEqual([
      ["w-dead", false],
      ["w-live", true],
    ]);
    expect(res.body.items[1]).toMatchObject({ capacity: 200, hosted: 12 });
    expect(JSON.stringify(res.body)).not.toContain("secret-host");
    expect(res.body.items[1]).not.toHaveProperty("pid");
  });

  it("is for owners and admins: an operator gets 403, another organization's admin 404", async () => {
    const operator = await api(h, "get", `/api/v1/orgs/${a.orgId}/workers`, {
      token: await h.tokenFor(a.users.operator),
    });
    expect(operator.status).toBe(403);
    const other = await api(h, "get", `/api/v1/orgs/${a.orgId}/workers`, { token: await h.tokenFor(b.users.admin) });
    expect(other.status).toBe(404);
    const anonymous = await api(h, "get", `/api/v1/orgs/${a.orgId}/workers`);
    expect(anonymous.status).toBe(401);
  });

  it("is in the OpenAPI document", async () => {
    const doc = await api(h, "get", "/api/v1/openapi.json");
    expect(Object.keys(doc.body.paths)).toContain("/api/v1/orgs/{orgId}/workers");
  });
});
