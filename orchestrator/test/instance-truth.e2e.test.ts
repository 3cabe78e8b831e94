/**
 * What the API says about an instance is true, end to end (the real orchestrator, one real worker process, wa-sim):
 * one status event per change, answers with the resulting status, logout and delete unlinking the phone's device,
 * pairing codes that stay valid, and no status outliving the heartbeat of the only worker.
 */
import { type E2eStack, startE2eStack } from "@mirage/testing/e2e-stack";
import type { OrgFixture } from "@mirage/testing/fixtures";
import type { TestDatabase } from "@mirage/testing/postgres";
import type { Simulator } from "@mirage/wa-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inProcessOrchestrator } from "./e2e.ts";
import { api, type Json } from "./harness.ts";
import { instanceClient } from "./instance-client.ts";

let stack: E2eStack;
let t: TestDatabase;
let a: OrgFixture;
let sim: Simulator;
let url: string;
let tokenA: string;

const stopWorker = (id: string, signal: NodeJS.Signals) => stack.stopWorker(id, signal);
const orgPath = (org: OrgFixture) => `/api/v1/orgs/${org.orgId}/instances`;
const instances = instanceClient({
  stack: () => stack,
  org: () => a,
  token: () => tokenA,
  waitMs: 20_000,
  phonePrefix: "55119670",
  pairTimeoutMs: 20_000,
});
const { get, waitStatus, createInstance, pairByQr, waitFor } = instances;

beforeAll(async () => {
  stack = await startE2eStack({
    name: "truth",
    orgs: ["e2e-a"],
    orchestrator: inProcessOrchestrator({ WEBHOOK_WORKER_ENABLED: "false" }),
    // Long enough that a loaded machine does not lapse a live heartbeat; the test measures against it.
    workerEnv: { WORKER_TTL_MS: "5000" },
    workers: ["w-only"],
    workersReadyMs: 30_000,
  });
  ({ t, sim, url } = stack);
  [a] = stack.orgs as [OrgFixture];
  tokenA = await stack.token(a.users.operator);
}, 90_000);

afterAll(() => stack?.close(), 60_000);

/** A socket.io client of an organization, collecting every instance event it receives. */
const listen = (tok: string) => stack.listen(tok, ["instance:status", "instance:qr", "instance:health"]);

const post = (id: string, action: string, body?: Record<string, unknown>) =>
  api({ url }, "post", `${orgPath(a)}/${id}/${action}`, { token: tokenA, ...(body ? { body } : {}) });
const linkedDevices = (phone: string) =>
  sim
    .phone(phone)
    .devices()
    .filter((d) => !d.removed);

describe("status events", () => {
  it("creating an instance emits one instance:status event, not one per row update", async () => {
    const events = await listen(tokenA);
    const id = await createInstance("one-event");
    await waitFor(async () => (events.some((e) => e.type === "instance:qr") ? true : undefined), 20_000, "a QR");
    await new Promise((r) => setTimeout(r, 1_000));
    const statuses = events.filter(
      (e) => e.type === "instance:status" && (e.data as { instanceId: string }).instanceId === id,
    );
    expect(statuses.map((e) => (e.data as { status: string }).status)).toEqual(["pending_pairing"]);
  });
});

describe("pairing codes through the API", () => {
  it("a repeat request returns the same code and its expiry, and the first code links", async () => {
    const id = await createInstance("code-twice", { phone: "+5511967099001" });
    const first = await post(id, "pairing-code", { phone: "+5511967099001" });
    expect(first.status).toBe(200);
    expect(Date.parse(first.body.expiresAt) - Date.now()).toBeGreaterThan(60_000);
    const second = await post(id, "pairing-code", { phone: "+5511967099001" });
    expect(second.body).toEqual(first.body);
    await sim.phone("5511967099001").enterPairingCode(first.body.code);
    await waitStatus(id, "connected");
  });
});

describe("commands answer what happened", () => {
  it("stop twice: the second answer still names the status", async () => {
    const { id } = await pairByQr("stop-twice");
    expect((await post(id, "stop")).body).toMatchObject({ outcome: "stopped", status: "stopped" });
    expect((await post(id, "stop")).body).toMatchObject({ outcome: "not_running", status: "stopped" });
  });

  it("logout of a stopped instance logs out and unlinks the phone's device", async () => {
    const { id, phone } = await pairByQr("logout-stopped");
    await post(id, "stop");
    expect(linkedDevices(phone)).toHaveLength(1);
    const res = await post(id, "logout");
    expect(res.body).toMatchObject({ outcome: "logged_out", status: "logged_out", phoneUnlinked: true });
    expect(await get(id)).toMatchObject({ status: "logged_out", healthScore: null });
    const ev = (await api({ url }, "get", `${orgPath(a)}/${id}/events`, { token: tokenA })).body.items as Json[];
    expect(ev[0]).toMatchObject({ from: "stopped", to: "logged_out" });
    expect(linkedDevices(phone)).toHaveLength(0);
  });

  it("DELETE of a stopped instance unlinks the device and answers 204", async () => {
    const { id, phone } = await pairByQr("delete-stopped");
    await post(id, "stop");
    const res = await api({ url }, "delete", `${orgPath(a)}/${id}`, { token: tokenA });
    expect(res.status).toBe(204);
    expect(linkedDevices(phone)).toHaveLength(0);
    expect((await api({ url }, "get", `${orgPath(a)}/${id}`, { token: tokenA })).status).toBe(404);
  });
});

describe("the only worker dies", () => {
  it("the API stops saying connected once the heartbeat lapses, and logout says the phone keeps the device", async () => {
    const { id, phone } = await pairByQr("orphan");
    const other = await pairByQr("orphan-deleted");
    await waitStatus(id, "connected");
    expect(await get(id)).toMatchObject({ status: "connected", workerId: "w-only" });
    const killedAt = Date.now();
    await stopWorker("w-only", "SIGKILL");
    // The heartbeat vouches for WORKER_TTL_MS (5 s here): not a moment of "connected" much beyond that.
    await waitFor(async () => ((await get(id)).status !== "connected" ? true : undefined), 12_000, "not connected");
    expect(Date.now() - killedAt).toBeLessThan(8_000);
    expect(await get(id)).toMatchObject({ status: "connecting", statusReason: "worker_lost", healthScore: null });
    // Placement writes the same into the row (history, webhook), although no worker can take the instance.
    await waitFor(async () => {
      const [row] = await t.admin<{ status: string; status_reason: string | null }[]>`
        select status::text, status_reason from public.instances where id = ${id}`;
      return row?.status_reason === "worker_lost" ? true : undefined;
    }, 10_000);
    const res = await post(id, "logout");
    expect(res.body).toMatchObject({ outcome: "logged_out", status: "logged_out", phoneUnlinked: false });
    expect(await get(id)).toMatchObject({ status: "logged_out" });
    expect(linkedDevices(phone)).toHaveLength(1);
    // DELETE says so too: 200 instead of 204, with phoneUnlinked false.
    const deleted = await api({ url }, "delete", `${orgPath(a)}/${other.id}`, { token: tokenA });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ outcome: "deleted", phoneUnlinked: false });
    expect(linkedDevices(other.phone)).toHaveLength(1);
  }, 60_000);
});
