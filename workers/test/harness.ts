import type { TInstanceQr, TWorkerEvent } from "@mirage/contracts/worker-bus";
import { createDb } from "@mirage/db";
import { assignInstance } from "@mirage/db/instances";
import { createLogger } from "@mirage/logger";
import { generateKeyRingSpec, parseKeyRing } from "@mirage/secrets";
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { createTestDatabase, type TestDatabase } from "@mirage/testing/postgres";
import { Simulator } from "@mirage/wa-sim";
import { expect } from "vitest";
import {
  createSessionHost,
  type EventSink,
  type QrStore,
  type SessionHost,
  type SessionHostOptions,
} from "../src/sessions/index.ts";

export const silent = createLogger({ service: "test", level: (process.env.TEST_LOG_LEVEL as "silent") ?? "silent" });

/** In-memory event sink and QR store: what the host publishes, for assertions. */
export function memoryBus() {
  const events: TWorkerEvent[] = [];
  const qrs = new Map<string, TInstanceQr>();
  const sink: EventSink = {
    async publish(e) {
      events.push(e);
    },
  };
  const store: QrStore = {
    async set(qr) {
      qrs.set(qr.instanceId, qr);
    },
    async delete(id) {
      qrs.delete(id);
    },
  };
  return { events, qrs, sink, store };
}

export const FAST: Partial<SessionHostOptions> = {
  reconnect: { baseDelayMs: 50, maxDelayMs: 300, maxAttempts: 4, replacedWindowMs: 10_000 },
  restoreRatePerSecond: 50,
  healthIntervalMs: 60_000,
  ackTimeoutMs: 1_000,
};

export type World = {
  t: TestDatabase;
  org: OrgFixture;
  sim: Simulator;
  ring: ReturnType<typeof parseKeyRing>;
  bus: ReturnType<typeof memoryBus>;
  hosts: SessionHost[];
  host(workerId?: string, options?: Partial<SessionHostOptions>): SessionHost;
  instance(name: string, workerId?: string, phoneE164?: string): Promise<string>;
  status(id: string): Promise<{ status: string; status_reason: string | null; epoch: number }>;
  waitStatus(id: string, status: string, timeout?: number): Promise<void>;
  waitQr(id: string, attempt?: number): Promise<string>;
  close(): Promise<void>;
};

export async function createWorld(
  seed: string,
  qr: { refs: number; firstRefTtlMs: number; nextRefTtlMs: number } = {
    refs: 6,
    firstRefTtlMs: 60_000,
    nextRefTtlMs: 20_000,
  },
): Promise<World> {
  const t = await createTestDatabase();
  const org = await createOrgWithMembers(t.admin, `org-${seed}`);
  const sim = await Simulator.start({ seed, qr });
  const ring = parseKeyRing(generateKeyRingSpec("k1"));
  const bus = memoryBus();
  const hosts: SessionHost[] = [];
  const dbs: ReturnType<typeof createDb>[] = [];
  const world: World = {
    t,
    org,
    sim,
    ring,
    bus,
    hosts,
    host(workerId = "w1", options = {}) {
      const db = createDb({ url: t.appUrl, max: 4 });
      dbs.push(db);
      const host = createSessionHost({
        workerId,
        db,
        ring,
        target: { kind: "simulator", url: sim.url, rootPublicKeyHex: sim.rootPublicKey.toString("hex") },
        logger: silent,
        events: bus.sink,
        qrStore: bus.store,
        baileysLogger: silent,
        options: { ...FAST, ...options },
      });
      hosts.push(host);
      return host;
    },
    async instance(name, workerId = "w1", phoneE164) {
      const [row] = await t.admin<{ id: string }[]>`
        insert into public.instances (org_id, name, phone_e164) values (${org.orgId}, ${name}, ${phoneE164 ?? null})
        returning id`;
      if (!row) throw new Error("no instance");
      await t.db.asService((tx) => assignInstance(tx, row.id, workerId));
      return row.id;
    },
    async status(id) {
      const [row] = await t.admin<{ status: string; status_reason: string | null; epoch: number }[]>`
        select status::text, status_reason, epoch from public.instances where id = ${id}`;
      if (!row) throw new Error("no instance");
      return row;
    },
    async waitStatus(id, status, timeout = 30_000) {
      await expect.poll(async () => (await world.status(id)).status, { timeout, interval: 50 }).toBe(status);
    },
    async waitQr(id, attempt = 1) {
      await expect
        .poll(() => bus.qrs.get(id)?.attempt ?? 0, { timeout: 30_000, interval: 25 })
        .toBeGreaterThanOrEqual(attempt);
      const qr = bus.qrs.get(id)?.qr;
      if (!qr) throw new Error("no qr");
      return qr;
    },
    async close() {
      await Promise.all(hosts.map((h) => h.close()));
      await Promise.all(dbs.map((d) => d.close()));
      await sim.close();
      await t.drop();
    },
  };
  return world;
}
