/**
 * Instances end to end: the real orchestrator (API, placement, realtime) over Postgres and Redis, two real worker
 * processes hosting real Baileys sockets, and wa-sim's virtual phones — nothing mocked. Pairing by QR and by code
 * through the API, faults, a worker restart, and kill -9 of one worker.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { type E2eStack, REPO_ROOT as root, startE2eStack } from "@mirage/testing/e2e-stack";
import type { OrgFixture } from "@mirage/testing/fixtures";
import type { TestDatabase } from "@mirage/testing/postgres";
import type { Simulator } from "@mirage/wa-sim";
import { startControlServer } from "@mirage/wa-sim/control/http-api";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { inProcessOrchestrator } from "./e2e.ts";
import { api, type Json } from "./harness.ts";
import { instanceClient } from "./instance-client.ts";

// Real Baileys, wa-sim and two worker processes: every step is CPU-bound pairing or reconnecting, so on a loaded
// 2-core machine waits and tests get minutes, not the project's 30 s.
vi.setConfig({ testTimeout: 120_000 });

let stack: E2eStack;
let t: TestDatabase;
let a: OrgFixture;
let b: OrgFixture;
let sim: Simulator;
let redis: Redis;
let prefix: string;
let url: string;
let tokenA: string;
let tokenB: string;
let viewerA: string;

const token = (user: { id: string; claims: { email: string } }) => stack.token(user);
const startWorker = (id: string) => stack.startWorker(id);
const stopWorker = (id: string, signal: NodeJS.Signals) => stack.stopWorker(id, signal);
const orgPath = (org: OrgFixture) => `/api/v1/orgs/${org.orgId}/instances`;
const instances = instanceClient({
  stack: () => stack,
  org: () => a,
  token: () => tokenA,
  waitMs: 60_000,
  phonePrefix: "55119660",
});
const { get, waitStatus, createInstance, pairByQr, waitFor } = instances;

beforeAll(async () => {
  stack = await startE2eStack({
    name: "e2e",
    orgs: ["e2e-a", "e2e-b"],
    orchestrator: inProcessOrchestrator({ WEBHOOK_WORKER_ENABLED: "false" }),
    // Two tsx processes loading Baileys: well past 30 s when the machine is loaded.
    workers: ["w-a", "w-b"],
  });
  ({ t, sim, redis, prefix, url } = stack);
  [a, b] = stack.orgs as [OrgFixture, OrgFixture];
  tokenA = await token(a.users.operator);
  tokenB = await token(b.users.owner);
  viewerA = await token(a.users.viewer);
}, 180_000);

afterAll(() => stack?.close(), 60_000);

/** A socket.io client of an organization, collecting every instance event it receives. */
const listen = (tok: string) => stack.listen(tok, ["instance:status", "instance:qr", "instance:health"]);

describe("pairing through the API", () => {
  it("by QR: the API hands out the QR (JSON and PNG), the phone scans it, the instance connects", async () => {
    const seenByA = await listen(tokenA);
    const seenByB = await listen(tokenB);
    const id = await createInstance("qr-api");
    const qr = await waitFor(async () => {
      const r = await api({ url }, "get", `${orgPath(a)}/${id}/qr`, { token: tokenA });
      return r.status === 200 ? r.body : undefined;
    });
    expect(qr.dataUrl).toMatch(/^data:image\/png;base64,/);
    expect(qr.attempt).toBe(1);
    const png = await fetch(`${url}${orgPath(a)}/${id}/qr?format=png`, {
      headers: { authorization: `Bearer ${tokenA}` },
    });
    expect(png.headers.get("content-type")).toBe("image/png");
    expect(
      Buffer.from(await png.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe("PNG");
    sim.phone("5511966099001").scan(qr.qr);
    await waitStatus(id, "connected");
    const inst = await get(id);
    expect(inst).toMatchObject({
      phone: "+5511966099001",
      waJid: "5511966099001@s.whatsapp.net",
      desiredState: "running",
    });
    expect(["w-a", "w-b"]).toContain(inst.workerId);
    const after = await api({ url }, "get", `${orgPath(a)}/${id}/qr`, { token: tokenA });
    expect(after.status).toBe(404);
    const started = await api({ url }, "post", `${orgPath(a)}/${id}/start`, { token: tokenA });
    expect(started.body).toMatchObject({ outcome: "already_connected", status: "connected" });
    // Live events reach the organization's room, and only it.
    const mine = (type: string) => seenByA.filter((e) => e.type === type && (e.data as Json).instanceId === id);
    await waitFor(async () =>
      mine("instance:status").some((e) => (e.data as Json).status === "connected") ? true : undefined,
    );
    expect(mine("instance:qr").length).toBeGreaterThanOrEqual(1);
    expect(seenByB.filter((e) => (e.data as Json).instanceId === id)).toEqual([]);
  });

  it("by pairing code", async () => {
    const id = await createInstance("code-api", { phone: "+5511966099002" });
    const res = await api({ url }, "post", `${orgPath(a)}/${id}/pairing-code`, {
      token: tokenA,
      body: { phone: "+5511966099002" },
    });
    expect(res.status).toBe(200);
    expect(res.body.code).toMatch(/^[A-Z0-9]{8}$/);
    await sim.phone("5511966099002").enterPairingCode(res.body.code);
    await waitStatus(id, "connected");
    const again = await api({ url }, "post", `${orgPath(a)}/${id}/pairing-code`, {
      token: tokenA,
      body: { phone: "+5511966099002" },
    });
    expect(again.status).toBe(409);
  });

  it("refuses bad input and other organizations", async () => {
    const id = await createInstance("bad-input");
    const badPhone = await api({ url }, "post", `${orgPath(a)}/${id}/pairing-code`, {
      token: tokenA,
      body: { phone: "12345" },
    });
    expect(badPhone.status).toBe(422);
    expect(badPhone.body.code).toBe("invalid_phone");
    expect(JSON.stringify(badPhone.body.errors)).toContain("body.phone");
    const unknown = await api({ url }, "get", `${orgPath(a)}/${randomUUID()}`, { token: tokenA });
    expect(unknown.status).toBe(404);
    const otherOrg = await api({ url }, "get", `${orgPath(a)}/${id}`, { token: tokenB });
    expect(otherOrg.status).toBe(404);
    const viaOwnOrg = await api({ url }, "get", `${orgPath(b)}/${id}`, { token: tokenB });
    expect(viaOwnOrg.status).toBe(404);
    const viewerCreate = await api({ url }, "post", orgPath(a), { token: viewerA, body: { name: "nope" } });
    expect(viewerCreate.status).toBe(403);
    const dup = await api({ url }, "post", orgPath(a), { token: tokenA, body: { name: "bad-input" } });
    expect(dup.status).toBe(409);
    const list = await api({ url }, "get", orgPath(a), { token: viewerA });
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: Json) => i.name)).toContain("bad-input");
  });
});

describe("./mirage pair", () => {
  it("pairs from a terminal with an API key, the virtual phone scanning the printed QR", async () => {
    const owner = await token(a.users.owner);
    const key = await api({ url }, "post", `/api/v1/orgs/${a.orgId}/api-keys`, {
      token: owner,
      body: { name: "terminal", scopes: ["instances"] },
    });
    expect(key.status).toBe(201);
    const control = await startControlServer(sim, { host: "127.0.0.1", port: 0 });
    try {
      const out = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          [
            "--import",
            "tsx",
            path.join(root, "scripts/pair.ts"),
            "terminal-1",
            "--url",
            url,
            "--sim-phone",
            "5511966099100",
          ],
          {
            cwd: root,
            env: { ...process.env, MIRAGE_API_KEY: key.body.key, WA_SIM_CONTROL_URL: control.url },
            timeout: 170_000,
          },
        );
        let stdout = "";
        child.stdout.on("data", (d) => {
          stdout += String(d);
        });
        child.on("exit", (code) => resolve({ code, stdout }));
      });
      expect(out.stdout).toContain("created instance terminal-1");
      expect(out.stdout).toContain("virtual phone +5511966099100 scanned it");
      expect(out.stdout).toContain("CONNECTED terminal-1 as +5511966099100");
      expect(out.code).toBe(0);
    } finally {
      await control.close();
    }
  }, 180_000);
});

describe("faults surface through the API", () => {
  const cases: {
    fault: Parameters<ReturnType<Simulator["phone"]>["fault"]>[0];
    status: string;
    reason: RegExp | null;
  }[] = [
    { fault: { type: "logged-out" }, status: "logged_out", reason: /logged_out/ },
    { fault: { type: "banned" }, status: "banned", reason: /banned/ },
    {
      fault: { type: "reachout-timelock", until: Date.now() + 3_600_000 },
      status: "restricted",
      reason: /reach_out_timelock/,
    },
  ];
  for (const c of cases) {
    it(`${c.fault.type} → ${c.status}`, async () => {
      const { id, phone } = await pairByQr(`fault-${c.fault.type}`);
      sim.phone(phone).fault(c.fault);
      await waitStatus(id, c.status);
      expect((await get(id)).statusReason).toMatch(c.reason ?? /.*/);
      if (c.status === "logged_out") return;
      // Evolution's view: a restricted number's socket is open, so no QR is asked for; a banned one asked to connect
      // logs in again with its credentials and answers where it went — never an empty QR.
      const key = await api({ url }, "post", `/api/v1/orgs/${a.orgId}/api-keys`, {
        token: await token(a.users.owner),
        body: { name: `evolution-${c.status}`, scopes: ["instances"] },
      });
      expect(key.status, JSON.stringify(key.body)).toBe(201);
      const evo = async (p: string) =>
        (await api({ url }, "get", `/evolution${p}/fault-${c.fault.type}`, { headers: { apikey: key.body.key } })).body;
      const name = `fault-${c.fault.type}`;
      if (c.status === "restricted") {
        expect(await evo("/instance/connectionState")).toEqual({ instance: { instanceName: name, state: "open" } });
        expect(await evo("/instance/connect")).toEqual({ instance: { instanceName: name, state: "open" } });
      } else {
        const answer = await evo("/instance/connect");
        expect(answer).not.toHaveProperty("code");
        expect(answer.instance).toMatchObject({
          instanceName: name,
          state: expect.stringMatching(/^(close|connecting)$/),
        });
      }
    }, 60_000);
  }

  for (const [type, code] of [
    ["restart-required", 515],
    ["dropped", 428],
    ["replaced", 440],
  ] as const) {
    it(`${type} (${code}) → reconnects and is connected again, with the detour in its history`, async () => {
      const { id, phone } = await pairByQr(`fault-${type}`);
      const before = (await api({ url }, "get", `${orgPath(a)}/${id}/events`, { token: tokenA })).body.items.length;
      sim.phone(phone).fault({ type });
      await waitFor(
        async () => {
          const events = (await api({ url }, "get", `${orgPath(a)}/${id}/events`, { token: tokenA })).body
            .items as Json[];
          return events.length >= before + 2 && events[0].to === "connected" ? true : undefined;
        },
        30_000,
        `${type} recovery`,
      );
      const events = (await api({ url }, "get", `${orgPath(a)}/${id}/events`, { token: tokenA })).body.items as Json[];
      expect(events[1].to).toBe("connecting");
      if (code !== 515) expect(events[1].reason).toBe(`reconnecting_after_${code}`);
    });
  }
});

describe("worker failures", () => {
  it("a restarted worker brings every instance back to connected without a QR", async () => {
    const paired = [await pairByQr("restart-1"), await pairByQr("restart-2")];
    const hosts = new Set(await Promise.all(paired.map(async (p) => (await get(p.id)).workerId as string)));
    const since = new Date();
    for (const w of hosts) await stopWorker(w, "SIGTERM");
    for (const w of hosts) startWorker(w);
    for (const p of paired) {
      await waitFor(
        async () => {
          const ev = (await api({ url }, "get", `${orgPath(a)}/${p.id}/events`, { token: tokenA })).body
            .items as Json[];
          return ev.some((e) => e.to === "connected" && new Date(e.at) > since) ? true : undefined;
        },
        60_000,
        "reconnect after restart",
      );
      const ev = (await api({ url }, "get", `${orgPath(a)}/${p.id}/events`, { token: tokenA })).body.items as Json[];
      expect(ev.filter((e) => new Date(e.at) > since).some((e) => e.to === "pending_pairing")).toBe(false);
      // A status written while the old process was still closing can precede the new one's: wait for the end state.
      await waitStatus(p.id, "connected");
    }
  }, 120_000);

  it("kill -9 of one worker: its instances connect on the other within 30 s, no re-pairing, the old host fenced", async () => {
    const paired = [await pairByQr("failover-1"), await pairByQr("failover-2"), await pairByQr("failover-3")];
    const placed = await Promise.all(paired.map(async (p) => ({ ...p, inst: await get(p.id) })));
    const victim = placed[0]?.inst.workerId as string;
    const survivor = victim === "w-a" ? "w-b" : "w-a";
    const moving = placed.filter((p) => p.inst.workerId === victim);
    expect(moving.length).toBeGreaterThan(0);
    const killedAt = Date.now();
    await stopWorker(victim, "SIGKILL");
    for (const p of moving) {
      await waitFor(
        async () => {
          const inst = await get(p.id);
          return inst.workerId === survivor && inst.status === "connected" ? true : undefined;
        },
        30_000,
        "failover",
      );
    }
    const elapsed = Date.now() - killedAt;
    expect(elapsed).toBeLessThan(30_000);
    const [{ epoch_moved }] = (await t.admin`
      select bool_and(epoch > 1) as epoch_moved from public.instances where id = any(${moving.map((p) => p.id)})`) as unknown as [
      { epoch_moved: boolean },
    ];
    expect(epoch_moved).toBe(true);
    for (const p of moving) {
      const ev = (await api({ url }, "get", `${orgPath(a)}/${p.id}/events`, { token: tokenA })).body.items as Json[];
      expect(ev.filter((e) => new Date(e.at).getTime() > killedAt).some((e) => e.to === "pending_pairing")).toBe(false);
    }
    // The old host comes back with the same id: its instances now belong to the survivor, so it opens none of them.
    startWorker(victim);
    await waitFor(async () => ((await redis.exists(`${prefix}:worker:${victim}:alive`)) === 1 ? true : undefined));
    await new Promise((r) => setTimeout(r, 2_500));
    for (const p of moving) {
      expect((await get(p.id)).workerId).toBe(survivor);
      expect(
        sim
          .phone(p.phone)
          .devices()
          .filter((d) => d.online),
      ).toHaveLength(1);
    }
  }, 120_000);
});
