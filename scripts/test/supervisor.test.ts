import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { rotateIfLarge } from "../stack/log.ts";
import { claimPidFile, paths, readPid, runningStack, type StackInfo, writeInfo } from "../stack/state.ts";
import { type ChildSpec, Supervisor } from "../stack/supervisor.ts";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");
const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "mirage-stack-unit-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A child that prints "ready", then exits with `code` after `lifeMs` (or lives until stopped when lifeMs = 0). */
function fakeChild(name: string, lifeMs: number, code = 3): ChildSpec {
  const script = `console.log("ready"); ${lifeMs > 0 ? `setTimeout(() => process.exit(${code}), ${lifeMs});` : "setInterval(() => {}, 1000);"}`;
  return {
    name,
    cwd: root,
    command: () => [process.execPath, "-e", script],
    readyLine: /^ready$/,
    announce: () => [],
  };
}

describe("the supervisor", () => {
  it("restarts only the child that died, with a clear line, and keeps the others running", async () => {
    const lines: string[] = [];
    const sup = new Supervisor(
      (l) => lines.push(l),
      { onChildrenChanged: () => {}, onGiveUp: () => {} },
      { limit: 5, windowMs: 60_000, backoffMs: () => 50 },
    );
    await sup.start(fakeChild("steady", 0));
    const steadyPid = sup.children()[0]?.pid;
    await sup.start(fakeChild("flaky", 300));
    const flakyPid = sup.children()[1]?.pid;
    await expect.poll(() => lines.some((l) => l.includes("flaky is running again")), { timeout: 20_000 }).toBe(true);
    expect(lines.find((l) => l.startsWith("!! flaky exited unexpectedly (code 3); restarting it"))).toBeDefined();
    const [steady, flaky] = sup.children();
    expect(steady?.pid).toBe(steadyPid);
    expect(flaky?.pid).not.toBe(flakyPid);
    await sup.stopAll();
  }, 60_000);

  it("gives up on a child that keeps crashing, saying which one", async () => {
    let gaveUp = "";
    const sup = new Supervisor(
      () => {},
      {
        onChildrenChanged: () => {},
        onGiveUp: (reason) => {
          gaveUp = reason;
        },
      },
      { limit: 2, windowMs: 60_000, backoffMs: () => 20 },
    );
    await sup.start(fakeChild("doomed", 100, 7));
    await expect.poll(() => gaveUp, { timeout: 30_000 }).toContain("doomed exited (code 7) and keeps crashing");
    await sup.stopAll();
  }, 60_000);

  it("fails the start of a child that exits before it is ready", async () => {
    const sup = new Supervisor(() => {}, { onChildrenChanged: () => {}, onGiveUp: () => {} });
    const broken: ChildSpec = { ...fakeChild("broken", 0), command: () => [process.execPath, "-e", "process.exit(9)"] };
    await expect(sup.start(broken)).rejects.toThrow("exited (code 9) before it was ready");
    await sup.stopAll();
  }, 30_000);
});

describe("the log", () => {
  it("is rotated past its size, never truncated", () => {
    const dir = tempDir();
    const file = path.join(dir, "stack.log");
    writeFileSync(file, "crash log\n");
    rotateIfLarge(file, 1_000);
    expect(readFileSync(file, "utf8")).toBe("crash log\n");
    writeFileSync(file, "x".repeat(2_000));
    rotateIfLarge(file, 1_000);
    expect(existsSync(file)).toBe(false);
    expect(statSync(`${file}.1`).size).toBe(2_000);
    writeFileSync(file, "y".repeat(2_000));
    rotateIfLarge(file, 1_000);
    expect(readFileSync(`${file}.2`, "utf8")).toMatch(/^x/);
    expect(readFileSync(`${file}.1`, "utf8")).toMatch(/^y/);
  });
});

describe("the pid file", () => {
  it("belongs to one live supervisor; a stale one is replaced", async () => {
    const dir = tempDir();
    // A pid that no longer runs: a finished child.
    const gone = spawn(process.execPath, ["-e", ""]);
    await new Promise((r) => gone.once("exit", r));
    writeFileSync(paths(dir).pid, `${gone.pid}\n`);
    expect(runningStack(dir)).toBeUndefined();
    expect(claimPidFile(dir)).toBe(true);
    expect(readPid(dir)).toBe(process.pid);
    // This process now owns it: a second claim (another start) is refused and the file is unchanged.
    writeInfo(dir, readyStack());
    expect(claimPidFile(dir)).toBe(false);
    expect(readPid(dir)).toBe(process.pid);
    expect(runningStack(dir)?.mode).toBe("simulator");
  });
});

describe("./mirage pair --sim-phone", () => {
  const tsx = path.join(root, "node_modules/.bin/tsx");
  const pair = (env: Record<string, string>) =>
    run(tsx, ["scripts/pair.ts", "demo", "--sim-phone", "5511999990001"], {
      cwd: root,
      env: { ...process.env, MIRAGE_RUN_DIR: tempDir(), WA_SIM_CONTROL_URL: "", ...env },
    }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  it("says the simulator cannot be reached, and how to fix it, instead of a fetch failed trace", async () => {
    const closed = await freePort();
    const r = await pair({ WA_SIM_CONTROL_PORT: String(closed) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `cannot reach the WhatsApp simulator's control API at http://127.0.0.1:${closed}/health`,
    );
    expect(r.stderr).toContain("ECONNREFUSED");
    expect(r.stderr).toContain("./mirage start --simulator");
    expect(r.stderr).not.toMatch(/fetch failed|\n\s+at /);
  }, 60_000);

  it("honours WA_SIM_CONTROL_PORT, then explains an unreachable API the same way", async () => {
    const hits: string[] = [];
    const server: Server = createServer((req, res) => {
      hits.push(req.url ?? "");
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const apiPort = await freePort();
    const r = await pair({ WA_SIM_CONTROL_PORT: String(port), ORCHESTRATOR_PORT: String(apiPort) });
    server.close();
    expect(hits).toEqual(["/health"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot reach the Mirage API at http://127.0.0.1:${apiPort}/api/v1/auth/login`);
    expect(r.stderr).toContain("./mirage start");
    expect(r.stderr).not.toMatch(/fetch failed|\n\s+at /);
  }, 60_000);
});

describe("./mirage campaign", () => {
  const tsx = path.join(root, "node_modules/.bin/tsx");
  const campaign = (args: string[], env: Record<string, string>) =>
    run(tsx, ["scripts/campaign.ts", ...args], {
      cwd: root,
      env: { ...process.env, MIRAGE_RUN_DIR: tempDir(), MIRAGE_API_URL: "", MIRAGE_API_KEY: "", ...env },
    }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  it("shows its usage for a missing campaign, and explains an unreachable API in one line", async () => {
    const usage = await campaign(["start"], {});
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("usage: ./mirage campaign <list | show | dry-run | start");
    const apiPort = await freePort();
    const r = await campaign(["show", "demo"], { ORCHESTRATOR_PORT: String(apiPort) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot reach the Mirage API at http://127.0.0.1:${apiPort}/api/v1/auth/login`);
    expect(r.stderr).toContain("./mirage start");
    expect(r.stderr).not.toMatch(/fetch failed|\n\s+at /);
  }, 60_000);

  it("--help prints the usage; an unknown option says which, with the usage, not a Node stack trace", async () => {
    const help = await campaign(["--help"], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("usage: ./mirage campaign <list | show");
    const unknown = await campaign(["show", "demo", "--bogus"], {});
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--bogus'");
    expect(unknown.stderr).toContain("usage: ./mirage campaign");
    expect(unknown.stderr).not.toMatch(/\n\s+at |ERR_PARSE_ARGS/);
  }, 60_000);

  it("dry-run: a campaign without a number is not '0 recipients'; --senders sets its pool; holds in words; a finished campaign has no next send", async () => {
    const demo = "00000000-0000-4000-8000-0000000000e1";
    const hits: string[] = [];
    let senderIds: string[] = [];
    let stats = { status: "completed", statusReason: "done" };
    const server: Server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        hits.push(`${req.method} ${req.url}`);
        const json = (x: unknown) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(x));
        const campaignOf = () => ({ id: demo, name: "Demo welcome campaign", status: "draft", senderIds });
        if (req.url === "/api/v1/auth/login") return json({ accessToken: "t" });
        if (req.url === "/api/v1/auth/me") return json({ organizations: [{ id: "o1", slug: "demo" }] });
        if (req.url === "/api/v1/orgs/o1/instances")
          return json({ items: [{ id: "i1", name: "sales-1", phone: "+5511999990001", status: "connected" }] });
        if (req.url === `/api/v1/orgs/o1/campaigns/${demo}` && req.method === "PATCH") {
          senderIds = (JSON.parse(body) as { senderIds: string[] }).senderIds;
          return json(campaignOf());
        }
        if (req.url === `/api/v1/orgs/o1/campaigns/${demo}`) return json(campaignOf());
        if (req.url === `/api/v1/orgs/o1/campaigns/${demo}/stats`) {
          // A finished campaign: its sender's last slot is in the past.
          const counts = { read: 20 };
          const sender = { instanceId: "i1", active: true, counts, nextSendAt: "2026-11-30T22:01:54.000Z" };
          return json({ ...stats, total: 20, counts, senders: [sender] });
        }
        if (req.url === `/api/v1/orgs/o1/campaigns/${demo}/dry-run`) {
          const item = { contactId: null, instanceId: "i1", text: "Oi", variant: 0 };
          return json({
            planned: false,
            total: 2,
            items: [
              {
                ...item,
                phone: "+5511900000001",
                contactName: "Ana",
                at: "2026-12-01T12:00:00.000Z",
                blockedReason: "cap",
              },
              { ...item, phone: "+5511900000017", at: null, blockedReason: "blacklisted" },
            ],
          });
        }
        res.writeHead(404).end("{}");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const none = await campaign(["dry-run", "demo"], { MIRAGE_API_URL: url });
      expect(none.stdout).toContain("nobody is planned yet, it has no sender number");
      expect(none.stdout).toContain("./mirage campaign dry-run demo --senders <instance names>");
      expect(none.stdout).not.toContain("0 recipients");
      expect(hits.some((h) => h.endsWith("/dry-run"))).toBe(false);
      const some = await campaign(["dry-run", "demo", "--senders", "sales-1"], { MIRAGE_API_URL: url });
      expect(senderIds).toEqual(["i1"]);
      expect(some.stdout).toContain("2 recipients");
      expect(some.stdout).toMatch(
        /\(waits: its number reached this campaign's caps\) {2}sales-1 → Ana \(\+5511900000001\)/,
      );
      expect(some.stdout).toContain("never: blacklisted  sales-1 → +5511900000017");
      const shown = await campaign(["show", "demo"], { MIRAGE_API_URL: url });
      expect(shown.stdout).toContain("sender sales-1 (+5511999990001, connected): active, 20 sent\n");
      expect(shown.stdout).not.toContain("next send");
      expect(shown.stdout).toContain(`Demo welcome campaign (${demo}): completed\n`);
      stats = { status: "paused", statusReason: "user: holiday" };
      const paused = await campaign(["show", "demo"], { MIRAGE_API_URL: url });
      expect(paused.stdout).toContain("paused (by a team member: holiday)");
      expect(paused.stdout).not.toContain("next send");
    } finally {
      server.close();
    }
  }, 60_000);

  it("stops quietly when its reader goes away (| head), without an EPIPE trace", async () => {
    const demo = "00000000-0000-4000-8000-0000000000e1";
    let polls = 0;
    const server: Server = createServer((req, res) => {
      const json = (x: unknown) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(x));
      if (req.url === "/api/v1/auth/login") return json({ accessToken: "t" });
      if (req.url === "/api/v1/auth/me") return json({ organizations: [{ id: "o1", slug: "demo" }] });
      if (req.url === `/api/v1/orgs/o1/campaigns/${demo}`)
        return json({ id: demo, name: "Demo", status: "running", senderIds: [] });
      // A running campaign whose progress changes at every poll: `watch` prints a line each time.
      polls++;
      return json({ status: "running", statusReason: null, total: 1000, counts: { read: polls }, senders: [] });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const child = spawn(tsx, ["scripts/campaign.ts", "watch", "demo", "--every", "0.2"], {
        cwd: root,
        env: { ...process.env, MIRAGE_RUN_DIR: tempDir(), MIRAGE_API_URL: url, MIRAGE_API_KEY: "" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (c) => {
        stderr += c;
      });
      // Read the first line, then leave, as `head -1` does.
      child.stdout.once("data", () => child.stdout.destroy());
      const code = await new Promise<number | null>((r) => child.on("exit", r));
      expect(stderr).not.toMatch(/EPIPE|Unhandled/);
      expect(code).toBe(0);
    } finally {
      server.close();
    }
  }, 60_000);

  it("follows the running stack's address, not the MIRAGE_API_URL .env carries for the dashboard", async () => {
    const runDir = tempDir();
    const [stackPort, envPort, callerPort] = [await freePort(), await freePort(), await freePort()];
    // This test process stands in for the supervisor: alive, and the process stack.json names.
    writeFileSync(paths(runDir).pid, `${process.pid}\n`);
    writeInfo(runDir, readyStack({ api: `http://127.0.0.1:${stackPort}/api/v1` }));
    const fromFile = { MIRAGE_RUN_DIR: runDir, MIRAGE_API_URL: `http://127.0.0.1:${envPort}` };
    const r = await campaign(["show", "demo"], { ...fromFile, MIRAGE_ENV_FILE_KEYS: "LOG_LEVEL MIRAGE_API_URL" });
    expect(r.stderr).toContain(`cannot reach the Mirage API at http://127.0.0.1:${stackPort}/api/v1/auth/login`);
    // Set by the caller, it still wins.
    const caller = await campaign(["show", "demo"], {
      MIRAGE_RUN_DIR: runDir,
      MIRAGE_API_URL: `http://127.0.0.1:${callerPort}`,
      MIRAGE_ENV_FILE_KEYS: "LOG_LEVEL",
    });
    expect(caller.stderr).toContain(`cannot reach the Mirage API at http://127.0.0.1:${callerPort}/api/v1/auth/login`);
  }, 60_000);
});

/** What a ready simulator stack run by this test process writes to stack.json. */
function readyStack(more: Partial<StackInfo> = {}): StackInfo {
  return {
    pid: process.pid,
    pidStartTime: undefined,
    startedAt: new Date().toISOString(),
    mode: "simulator",
    state: "ready",
    log: "",
    api: undefined,
    waSim: undefined,
    children: [],
    banner: [],
    ...more,
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
