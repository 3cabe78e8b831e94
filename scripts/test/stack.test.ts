/**
 * The phone-free demo end to end, as a user runs it: ./mirage start --simulator --detach on non-default ports,
 * ./mirage pair, ./mirage stop, start again, crash a child. Real processes, real Postgres and Redis; slow by nature,
 * so every step has its own generous timeout (a loaded 2-core machine).
 */
import { type ExecFileException, execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { isAlive, readInfo, readPid } from "../stack/state.ts";

const root = path.resolve(import.meta.dirname, "../..");
const dbName = `mirage_stack_${process.pid}`;
const prefix = `mirage-stack-test-${process.pid}`;
const runDir = mkdtempSync(path.join(tmpdir(), "mirage-run-"));
const phone = "5511988880001";
let env: Record<string, string>;
let ports: { api: number; worker: number; sim: number; control: number; dashboard: number };

function withDb(url: string, db: string, user?: { name: string; password: string }): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  if (user) {
    u.username = user.name;
    u.password = user.password;
  }
  return u.toString();
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "0.0.0.0", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

type Result = { code: number; stdout: string; stderr: string };
function mirage(args: string[], timeoutMs: number): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      "bash",
      ["mirage", ...args],
      { cwd: root, env, timeout: timeoutMs, maxBuffer: 20e6 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as ExecFileException).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const api = () => `http://127.0.0.1:${ports.api}/api/v1`;
let token = "";
async function instance(name: string): Promise<Record<string, unknown> | undefined> {
  if (!token) {
    const res = await fetch(`${api()}/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "owner@demo.mirage.local", password: "mirage-demo" }),
    });
    token = String(((await res.json()) as { accessToken: string }).accessToken);
  }
  const res = await fetch(`${api()}/orgs/00000000-0000-4000-8000-0000000000a1/instances`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const items = ((await res.json()) as { items: Record<string, unknown>[] }).items;
  return items.find((i) => i.name === name);
}

async function statusOf(name: string): Promise<string | undefined> {
  try {
    return String((await instance(name))?.status);
  } catch {
    return undefined; // the API is not up (yet)
  }
}

async function simDevices(): Promise<{ deviceId: number; online: boolean; removed: boolean }[]> {
  const info = readInfo(runDir);
  const res = await fetch(`${info?.waSim?.controlUrl}/accounts/${phone}`);
  return ((await res.json()) as { devices: { deviceId: number; online: boolean; removed: boolean }[] }).devices;
}

/** How many messages wa-sim's contacts received from the paired number. */
async function simReceived(): Promise<number> {
  const info = readInfo(runDir);
  const res = await fetch(`${info?.waSim?.controlUrl}/messages?account=${phone}`);
  return ((await res.json()) as unknown[]).length;
}

beforeAll(async () => {
  ports = {
    api: await freePort(),
    worker: await freePort(),
    sim: await freePort(),
    control: await freePort(),
    dashboard: await freePort(),
  };
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(DATABASE_|WA_SIM_|WORKER_|ORCHESTRATOR_|MIRAGE_|VITEST)/.test(k)),
  ) as Record<string, string>;
  const admin = inject("pgAdminUrl");
  env = {
    ...clean,
    NODE_ENV: "production",
    LOG_LEVEL: "info",
    MIRAGE_RUN_DIR: runDir,
    DATABASE_ADMIN_URL: withDb(admin, dbName),
    DATABASE_URL: withDb(admin, dbName, { name: "mirage_app", password: inject("pgAppPassword") }),
    DATABASE_TARGET: "plain",
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    QUEUE_PREFIX: prefix,
    REALTIME_STREAM: `${prefix}:realtime`,
    MIRAGE_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString("base64")}`,
    JWT_SECRET: "stack-test-secret-stack-test-secret-stack",
    ORCHESTRATOR_PORT: String(ports.api),
    WORKER_HTTP_PORT: String(ports.worker),
    WA_SIM_PORT: String(ports.sim),
    WA_SIM_CONTROL_PORT: String(ports.control),
    DASHBOARD_PORT: String(ports.dashboard),
    WA_SIM_SEED: `stack-test-${process.pid}`,
  };
});

afterAll(async () => {
  await mirage(["stop"], 120_000);
  const sql = postgres(inject("pgAdminUrl"), { max: 1, onnotice: () => {} });
  await sql.unsafe(`drop database if exists ${dbName} with (force)`);
  await sql.end();
  const redis = new Redis(env.REDIS_URL ?? "redis://127.0.0.1:6379");
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  rmSync(runDir, { recursive: true, force: true });
}, 180_000);

describe("./mirage start / stop", () => {
  // One stack serves the first two tests (each start costs a minute of a loaded machine): the second stops it.
  let firstPid: number | undefined;

  it("a second start says the stack is already running (no EADDRINUSE, same pid file)", async () => {
    const first = await mirage(["start", "--simulator", "--detach"], 420_000);
    expect(first.stdout, first.stderr).toContain("Mirage is ready");
    expect(first.stdout).toContain(`id 00000000-0000-4000-8000-0000000000a1`);
    expect(first.stdout).toContain(`http://127.0.0.1:${ports.api}/api/v1/openapi.json`);
    expect(first.stdout).toContain("Pair a demo number   ./mirage pair sales-1 --sim-phone 5511999990001");
    // Detached: no Ctrl+C to press.
    expect(first.stdout).not.toContain("Ctrl+C");
    expect(first.stdout).toContain("stop with ./mirage stop");
    const pid = readPid(runDir);
    firstPid = pid;
    expect(pid && isAlive(pid)).toBe(true);

    for (const args of [
      ["start", "--simulator", "--detach"],
      ["start", "--simulator"],
    ]) {
      const again = await mirage(args, 120_000);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain(`Mirage is already running (pid ${pid}, simulator mode`);
      expect(again.stdout).toContain(`http://127.0.0.1:${ports.api}/api/v1`);
      expect(`${again.stdout}${again.stderr}`).not.toMatch(/EADDRINUSE|\n\s+at /);
      expect(readPid(runDir)).toBe(pid);
    }
    const otherMode = await mirage(["start"], 120_000);
    expect(otherMode.code).toBe(1);
    expect(otherMode.stderr).toContain("already running in simulator mode");
    expect(readInfo(runDir)?.children.map((c) => c.name)).toEqual(["wa-sim", "orchestrator", "workers", "dashboard"]);
  }, 900_000);

  it("a paired demo number reconnects without a QR after stop + start, and after the simulator crashes", async () => {
    // The stack the previous test started.
    expect(firstPid && isAlive(firstPid)).toBe(true);
    const paired = await mirage(["pair", "e2e-1", "--sim-phone", phone, "--timeout", "240"], 300_000);
    expect(paired.stdout, paired.stderr).toContain(`CONNECTED e2e-1 as +${phone}`);
    expect(await simDevices()).toMatchObject([{ deviceId: 1, online: true, removed: false }]);

    // The README's demo campaign from the terminal: the paired number as its sender, started, messages reaching
    // wa-sim's contacts; paused before the restarts below.
    const dry = await mirage(["campaign", "dry-run", "demo", "--count", "3"], 120_000);
    expect(dry.stdout, dry.stderr).toContain("Demo welcome campaign: nobody is planned yet, it has no sender number");
    expect(dry.stdout).toContain("./mirage campaign dry-run demo --senders <instance names>");
    const refused = await mirage(["campaign", "start", "demo"], 60_000);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("the campaign cannot start: HTTP 422 campaign_not_startable");
    expect(refused.stderr).toMatch(/sender/);
    const running = await mirage(["campaign", "start", "demo", "--senders", "e2e-1"], 120_000);
    expect(running.stdout, running.stderr).toContain("Demo welcome campaign: running");
    await expect.poll(simReceived, { timeout: 180_000, interval: 1_000 }).toBeGreaterThanOrEqual(2);
    const paused = await mirage(["campaign", "pause", "demo"], 60_000);
    expect(paused.stdout, paused.stderr).toContain("Demo welcome campaign: paused");
    const planned = await mirage(["campaign", "dry-run", "demo", "--count", "2"], 60_000);
    // On the campaign's clock, named (the machine's zone may be another).
    expect(planned.stdout, planned.stderr).toContain(
      "Demo welcome campaign: 20 recipients; the next 2 (times in America/Sao Paulo):",
    );
    // Each recipient by name with the number (the seed names them "Contact N").
    expect(planned.stdout).toMatch(/ e2e-1 → Contact \d+ \(\+55\d+\): /);
    const shown = await mirage(["campaign", "show", "demo"], 60_000);
    expect(shown.stdout).toContain("Demo welcome campaign (00000000-0000-4000-8000-0000000000e1): paused");
    expect(shown.stdout).toMatch(new RegExp(`sender e2e-1 \\(\\+${phone}, connected\\): \\w+, [1-9]\\d* sent`));
    expect((await mirage(["campaign", "start", "demo"], 60_000)).stderr).toContain("invalid_campaign_state");

    // Stop ends the supervisor and every child, removes the pid file; a second stop finds nothing.
    const children = readInfo(runDir)?.children ?? [];
    expect(children).toHaveLength(4);
    const stopped = await mirage(["stop"], 120_000);
    expect(stopped.stdout).toContain(`stopped (pid ${firstPid})`);
    expect(isAlive(firstPid as number)).toBe(false);
    for (const c of children) expect(isAlive(c.pid), c.name).toBe(false);
    expect(readPid(runDir)).toBeUndefined();
    expect((await mirage(["stop"], 60_000)).stdout).toContain("no stack is running");
    const again = await mirage(["start", "--simulator", "--detach"], 420_000);
    expect(again.stdout, again.stderr).toContain("Mirage is ready");
    // The banner names the paired number instead of suggesting to pair it again.
    expect(again.stdout).toMatch(new RegExp(`Paired numbers +e2e-1 \\+?${phone} \\(`));
    expect(again.stdout).toContain("Pair another number  ./mirage pair sales-1 --sim-phone 5511999990001");
    // The demo campaign was paused above: the banner suggests resuming it, not a start it would refuse.
    expect(again.stdout).toContain("Demo campaign        paused: ./mirage campaign resume demo");
    await expect.poll(() => statusOf("e2e-1"), { timeout: 240_000, interval: 1_000 }).toBe("connected");
    // Still the one linked device: nobody scanned a new QR.
    expect(await simDevices()).toMatchObject([{ deviceId: 1, online: true, removed: false }]);

    // A crash of one child: the supervisor restarts it alone, and the session comes back by itself.
    const before = String((await instance("e2e-1"))?.lastConnectedAt);
    const sim = readInfo(runDir)?.children.find((c) => c.name === "wa-sim");
    process.kill(sim?.pid as number, "SIGKILL");
    const log = () => readFileSync(path.join(runDir, "logs/stack.log"), "utf8");
    await expect.poll(log, { timeout: 120_000, interval: 500 }).toContain("wa-sim is running again");
    expect(log()).toContain("!! wa-sim exited unexpectedly (signal SIGKILL); restarting it in 1s");
    await expect
      .poll(async () => String((await instance("e2e-1").catch(() => undefined))?.lastConnectedAt) > before, {
        timeout: 240_000,
        interval: 1_000,
      })
      .toBe(true);
    expect(await statusOf("e2e-1")).toBe("connected");
    expect(await simDevices()).toMatchObject([{ deviceId: 1, online: true }]);

    // Every start appended to the same log: nothing of the earlier runs (or the crash) was truncated.
    expect(log().match(/stack starting \(pid/g)?.length).toBeGreaterThanOrEqual(2);
  }, 1_500_000);

  it("after the supervisor itself is killed, the next start stops its leftover children and the number reconnects", async () => {
    const info = readInfo(runDir);
    expect(info?.state).toBe("ready");
    process.kill(info?.pid as number, "SIGKILL");
    await expect.poll(() => isAlive(info?.pid as number), { timeout: 30_000 }).toBe(false);

    const started = await mirage(["start", "--simulator", "--detach"], 420_000);
    expect(started.stdout, started.stderr).toContain("Mirage is ready");
    expect(`${started.stdout}${started.stderr}`).not.toMatch(/EADDRINUSE|already in use/);
    const log = readFileSync(path.join(runDir, "logs/stack.log"), "utf8");
    expect(log).toContain("stopping processes left by a stack whose supervisor is gone");
    for (const c of info?.children ?? []) expect(isAlive(c.pid), c.name).toBe(false);
    await expect.poll(() => statusOf("e2e-1"), { timeout: 240_000, interval: 1_000 }).toBe("connected");
    expect(await simDevices()).toMatchObject([{ deviceId: 1, online: true, removed: false }]);
  }, 900_000);
});
