import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { expect } from "vitest";
import { api, type Harness, type Json, startHarness } from "./harness.ts";

/** API keys of the Evolution tests: organization A's admin, read and send keys, and organization B's admin key. */
export type EvolutionKeys = { admin: string; read: string; send: string; other: string };

/** An Evolution API call (`/evolution<path>`) with an `apikey` header when given. */
export type EvolutionCall = (
  method: string,
  path: string,
  apikey: string | undefined,
  body?: Json,
) => ReturnType<typeof api>;

/**
 * An orchestrator without a worker for the Evolution layer's tests: two organizations (`<slug>-a`, `<slug>-b`) and
 * their keys, and the call helper. The caller closes `h`.
 */
export async function startEvolutionHarness(slug: string): Promise<{
  h: Harness;
  a: OrgFixture;
  b: OrgFixture;
  keys: EvolutionKeys;
  evo: EvolutionCall;
  /** A new key of `org` with `scopes`, created by its owner through the API. */
  createKey: (org: OrgFixture, scopes: string[]) => Promise<string>;
}> {
  const h = await startHarness({ EVOLUTION_QR_WAIT_MS: "0", WEBHOOK_WORKER_ENABLED: "false" });
  const a = await createOrgWithMembers(h.t.admin, `${slug}-a`);
  const b = await createOrgWithMembers(h.t.admin, `${slug}-b`);
  const createKey = async (org: OrgFixture, scopes: string[]): Promise<string> => {
    const token = await h.tokenFor(org.users.owner);
    const res = await api(h, "post", `/api/v1/orgs/${org.orgId}/api-keys`, {
      token,
      body: { name: scopes.join("+"), scopes },
    });
    expect(res.status).toBe(201);
    return res.body.key;
  };
  const keys = {
    admin: await createKey(a, ["admin"]),
    read: await createKey(a, ["read"]),
    send: await createKey(a, ["send"]),
    other: await createKey(b, ["admin"]),
  };
  const evo: EvolutionCall = (method, path, apikey, body) =>
    api(h, method, `/evolution${path}`, {
      ...(apikey ? { headers: { apikey } } : {}),
      ...(body !== undefined ? { body } : {}),
    });
  return { h, a, b, keys, evo, createKey };
}
