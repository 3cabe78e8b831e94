/**
 * The supervisor behind `./mirage start` and `./mirage stop`:
 *
 *   run-stack.ts [start] [--simulator] [--detach]   start every Mirage process that exists in this checkout
 *   run-stack.ts status [--simulator]               exit 0 (and print the addresses) when a stack runs; 3 when none
 *   run-stack.ts stop                               stop the running stack, wherever it was started from
 *
 * The children are the `specs` list below (data, in start order). A child that dies is restarted alone with backoff
 * (see stack/supervisor.ts); the log (.mirage/logs/stack.log) is appended to and rotated, never truncated; the pid
 * file and stack.json (stack/state.ts) tell a second start that a stack already runs and tell `pair` where it is.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { withDashboardOrigins } from "./stack/cors.ts";
import { announceDemoContacts } from "./stack/demo-contacts.ts";
import { DEMO_CAMPAIGN_ID, demoNumberLines, fetchDemoState } from "./stack/demo-numbers.ts";
import { makeOutput, rotateIfLarge, startHeader } from "./stack/log.ts";
import {
  claimPidFile,
  isAlive,
  isSameProcess,
  paths,
  processStartTime,
  readInfo,
  readPid,
  releaseFiles,
  runDir,
  runningStack,
  type StackInfo,
  writeInfo,
} from "./stack/state.ts";
import { type ChildSpec, findBusyPort, Supervisor } from "./stack/supervisor.ts";

const root = path.resolve(import.meta.dirname, "..");
const argv = process.argv.slice(2);
const command = argv[0] && !argv[0].startsWith("--") ? argv[0] : "start";
const flags = new Set(argv.filter((a) => a.startsWith("--")));
const simulator = flags.has("--simulator") || process.env.MIRAGE_WA === "simulator";
const dir = runDir(root);
const files = paths(dir);
/** The demo organization of supabase/seed.sql (seeded at every start). */
const DEMO_ORG = { slug: "demo", id: "00000000-0000-4000-8000-0000000000a1" };

const env = (key: string, fallback: string) => process.env[key] || fallback;
const orchestratorPort = env("ORCHESTRATOR_PORT", "3001");
const api = `http://127.0.0.1:${orchestratorPort}/api/v1`;
const dashboardPort = env("DASHBOARD_PORT", "3000");
const workerHttpPort = env("WORKER_HTTP_PORT", "4100");
const sim = {
  host: env("WA_SIM_HOST", "127.0.0.1"),
  port: env("WA_SIM_PORT", "7280"),
  controlPort: env("WA_SIM_CONTROL_PORT", "7281"),
  seed: env("WA_SIM_SEED", "mirage"),
  stateDir: path.resolve(env("WA_SIM_STATE_DIR", files.waSimState)),
};
const simUrl = `ws://${sim.host}:${sim.port}/ws/chat`;
const simControlUrl = `http://${sim.host}:${sim.controlPort}`;
const node = (entry: string) => [process.execPath, "--import", "tsx", entry];

const specs: ChildSpec[] = [
  ...(simulator
    ? [
        {
          name: "wa-sim",
          cwd: path.join(root, "packages/wa-sim"),
          // Fixed ports and a state directory: a restarted simulator is where the workers expect it, with every
          // account and linked device it had.
          command: () => [
            ...node("src/cli.ts"),
            ...["--host", sim.host, "--port", sim.port, "--control-port", sim.controlPort],
            ...["--seed", sim.seed, "--state-dir", sim.stateDir],
          ],
          ports: () => [
            { port: Number(sim.port), setting: "WA_SIM_PORT" },
            { port: Number(sim.controlPort), setting: "WA_SIM_CONTROL_PORT" },
          ],
          readyLine: /Certificate root \(hex\):\s+[0-9a-f]{64}/,
          captures: { WA_SIM_ROOT_KEY: /Certificate root \(hex\):\s+([0-9a-f]{64})/ },
          announce: () => [`WhatsApp simulator   ${simUrl} (control API ${simControlUrl})`],
        } satisfies ChildSpec,
      ]
    : []),
  {
    name: "orchestrator",
    cwd: path.join(root, "orchestrator"),
    command: () => node("src/main.ts"),
    // The dashboard's origin, on whatever port it was moved to, may call the API from the browser (socket.io).
    env: () => ({
      ORCHESTRATOR_PORT: orchestratorPort,
      CORS_ORIGINS: withDashboardOrigins(process.env.CORS_ORIGINS, dashboardPort),
    }),
    ports: () => [{ port: Number(orchestratorPort), setting: "ORCHESTRATOR_PORT" }],
    readyUrl: () => `http://127.0.0.1:${orchestratorPort}/healthz`,
    announce: () => [
      `API                  ${api}`,
      `API document         ${api}/openapi.json (browse it at http://127.0.0.1:${orchestratorPort}/docs)`,
    ],
  },
  {
    name: "workers",
    cwd: path.join(root, "workers"),
    command: () => node("src/main.ts"),
    // A stable id: a restarted worker (after a crash or ./mirage stop) resumes its own instances at once.
    env: () => ({
      WORKER_ID: env("WORKER_ID", "local-stack"),
      ...(simulator ? { WA_SIM_URL: simUrl } : {}),
    }),
    ports: () => [{ port: Number(workerHttpPort), setting: "WORKER_HTTP_PORT" }],
    // /healthz answers once the worker restored its instances; the log line is the fallback without a port (a log
    // line alone would hang the start under LOG_LEVEL=warn).
    ...(Number(workerHttpPort) > 0
      ? { readyUrl: () => `http://127.0.0.1:${workerHttpPort}/healthz` }
      : { readyLine: /worker started/i }),
    announce: () => [`Worker               http://127.0.0.1:${workerHttpPort}/healthz`],
  },
  ...(hasStartScript(path.join(root, "dashboard"))
    ? [
        {
          name: "dashboard",
          cwd: path.join(root, "dashboard"),
          // Its start script, without `pnpm run` around it (which reports a stop by signal as a failed command).
          command: () => [process.execPath, "scripts/serve.mjs"],
          // Next.js reads PORT; the orchestrator and workers never see it (theirs are named for the process).
          // With --simulator the QR dialog offers "scan with the virtual phone" through wa-sim's control API.
          env: () => ({
            PORT: dashboardPort,
            DASHBOARD_PORT: dashboardPort,
            MIRAGE_API_URL: `http://127.0.0.1:${orchestratorPort}`,
            ...(simulator ? { DASHBOARD_WA_SIM_CONTROL_URL: simControlUrl } : {}),
          }),
          ports: () => [{ port: Number(dashboardPort), setting: "DASHBOARD_PORT" }],
          readyUrl: () => `http://127.0.0.1:${dashboardPort}/sign-in`,
          announce: () => [`Dashboard            http://127.0.0.1:${dashboardPort}`],
        } satisfies ChildSpec,
      ]
    : []),
].filter((spec) => existsSync(spec.cwd));

function hasStartScript(dir: string): boolean {
  try {
    const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { scripts?: object };
    return Boolean(pkg.scripts && "start" in pkg.scripts);
  } catch {
    return false;
  }
}

function banner(demoNumbers: string[]): string[] {
  return [
    "──────────────────────────────────────────────────────────────",
    ...specs.flatMap((s) => s.announce()),
    `Postgres (app role)  ${redact(process.env.DATABASE_URL ?? "")}`,
    `Redis                ${process.env.REDIS_URL ?? "redis://127.0.0.1:6379"}`,
    "Login                owner@demo.mirage.local / mirage-demo",
    "                     (also admin@, operator@, marketer@, viewer@ with the same password)",
    `Organization         ${DEMO_ORG.slug}, id ${DEMO_ORG.id} (GET ${api}/auth/me lists yours)`,
    `WhatsApp             ${simulator ? "simulator (virtual phones, nothing reaches WhatsApp)" : "real WhatsApp"}`,
    ...demoNumbers,
    `Logs                 ${files.log}`,
    "Mirage is ready. Stop with Ctrl+C or ./mirage stop.",
    "──────────────────────────────────────────────────────────────",
  ];
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, "//$1:***@");
}

/** What a second `./mirage start` prints instead of failing on busy ports. */
function describeRunning(info: StackInfo): string {
  const since = info.startedAt ? `, started ${info.startedAt}` : "";
  const lines = [
    `Mirage is already running (pid ${info.pid}, ${info.mode === "simulator" ? "simulator" : "real WhatsApp"} mode${since}).`,
  ];
  if (info.state === "ready")
    lines.push(...info.banner.filter((l) => !l.startsWith("──") && !l.startsWith("Mirage is ready")));
  else lines.push(`It is still starting; follow ${files.log}.`);
  lines.push("Stop it with ./mirage stop (then ./mirage start again to change its settings).");
  return lines.join("\n");
}

/** Exit code of `status` and of a start that found a stack: 0 same mode (nothing to do), 1 other mode. */
function reportRunning(info: StackInfo): number {
  const wanted = simulator ? "simulator" : "real";
  if (info.state === "ready" && info.mode !== wanted) {
    console.error(
      `Mirage is already running in ${info.mode === "simulator" ? "simulator" : "real WhatsApp"} mode (pid ${info.pid}); ` +
        `stop it with ./mirage stop, then start it ${wanted === "simulator" ? "with" : "without"} --simulator.`,
    );
    return 1;
  }
  console.log(describeRunning(info));
  return 0;
}

/**
 * Processes left by a stack whose supervisor died (SIGKILL, OOM): still holding the ports. Stops them, saying so,
 * and answers whether any were found.
 */
async function stopOrphans(info: StackInfo | undefined, say: (line: string) => void): Promise<boolean> {
  const orphans = (info?.children ?? []).filter((c) => isSameProcess(c.pid, c.startTime));
  if (orphans.length === 0) return false;
  say(
    `stopping processes left by a stack whose supervisor is gone: ${orphans.map((c) => `${c.name} (pid ${c.pid})`).join(", ")}`,
  );
  // Last started first, one at a time, as the supervisor itself stops them.
  for (const c of [...orphans].reverse()) {
    killGroup(c.pid, "SIGTERM");
    const deadline = Date.now() + 15_000;
    while (isSameProcess(c.pid, c.startTime) && Date.now() < deadline) await sleep(200);
    if (isSameProcess(c.pid, c.startTime)) killGroup(c.pid, "SIGKILL");
  }
  return true;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

async function supervise(stdoutIsLog: boolean): Promise<void> {
  const out = makeOutput({ file: files.log, stdoutIsLog });
  // In the background the launcher already rotated the log it handed over as stdout.
  if (!stdoutIsLog) rotateIfLarge(files.log);
  const running = runningStack(dir);
  if (running) process.exit(reportRunning(running));
  if (!claimPidFile(dir)) {
    const other = runningStack(dir);
    process.exit(other ? reportRunning(other) : 1);
  }
  // Only the stack that owns the pid file marks its start in the log (a refused second start leaves it alone).
  out(
    startHeader(
      process.pid,
      argv.filter((a) => a !== "--supervise"),
    ),
  );
  const previous = readInfo(dir);
  if (previous && previous.pid !== process.pid) await stopOrphans(previous, out);

  const info: StackInfo = {
    pid: process.pid,
    pidStartTime: processStartTime(process.pid),
    startedAt: new Date().toISOString(),
    mode: simulator ? "simulator" : "real",
    state: "starting",
    log: files.log,
    api,
    waSim: simulator
      ? { url: simUrl, controlUrl: simControlUrl, rootKey: undefined, stateDir: sim.stateDir }
      : undefined,
    children: [],
    banner: [],
  };
  const save = () => {
    info.children = supervisor.children();
    if (info.waSim) info.waSim.rootKey = supervisor.shared.WA_SIM_ROOT_KEY;
    writeInfo(dir, info);
  };
  let shuttingDown = false;
  const shutdown = async (code: number, reason?: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    if (reason) out(`!! ${reason}; the log is ${files.log}`);
    out("stopping the stack");
    await supervisor.stopAll();
    releaseFiles(dir);
    out(code === 0 ? "stopped" : "stopped (after a failure)");
    process.exit(code);
  };
  const supervisor = new Supervisor(out, {
    onChildrenChanged: () => save(),
    onGiveUp: (reason) => void shutdown(1, reason),
  });
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));
  process.on("SIGHUP", () => void shutdown(0));
  save();

  const busy = await findBusyPort(specs);
  if (busy) {
    return shutdown(
      1,
      `port ${busy.port} (${busy.setting}, for ${busy.name}) is already in use by another program: stop it, or choose ` +
        `another port, e.g. ${busy.setting}=${busy.port + 100} ./mirage start${simulator ? " --simulator" : ""}`,
    );
  }
  for (const spec of specs) {
    try {
      await supervisor.start(spec);
    } catch (err) {
      return shutdown(1, `${spec.name} did not start: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (simulator) await announceDemoContacts(simControlUrl, out);
  info.state = "ready";
  const demo = simulator ? await fetchDemoState(api, DEMO_ORG.id, DEMO_CAMPAIGN_ID) : undefined;
  const demoNumbers = simulator ? demoNumberLines(demo?.instances ?? [], demo?.campaignStatus) : [];
  info.banner = banner(demoNumbers);
  save();
  for (const line of info.banner) out(line);
}

/** `--detach`: a supervisor in the background, its output appended to the log; returns once it is ready. */
async function launchDetached(): Promise<void> {
  const running = runningStack(dir);
  if (running) process.exit(reportRunning(running));
  rotateIfLarge(files.log);
  const fd = openSync(files.log, "a");
  const offset = statSync(files.log).size;
  const child = spawn(
    process.execPath,
    [...process.execArgv, import.meta.filename, "start", "--supervise", ...(simulator ? ["--simulator"] : [])],
    {
      detached: true,
      stdio: ["ignore", fd, fd],
      env: process.env,
    },
  );
  closeSync(fd);
  child.unref();
  const exited = new Promise<number>((resolve) => child.once("exit", (code) => resolve(code ?? 1)));
  let code: number | undefined;
  void exited.then((c) => {
    code = c;
  });
  const deadline = Date.now() + 600_000;
  while (Date.now() < deadline) {
    const info = readInfo(dir);
    if (info && info.pid === child.pid && info.state === "ready") {
      // In the background there is no Ctrl+C to press: the banner's last line says how to stop it instead.
      console.log(info.banner.map((l) => l.replace(" Stop with Ctrl+C or ./mirage stop.", "")).join("\n"));
      console.log(`Running in the background (pid ${child.pid}); stop with ./mirage stop`);
      return;
    }
    if (code !== undefined) {
      // Its own words: "already running", the port in use, the child that failed, with the lines before it.
      process.stdout.write(readFileSync(files.log).subarray(offset));
      process.exit(code);
    }
    await sleep(300);
  }
  console.error(`the stack did not become ready in 10 minutes; see ${files.log}`);
  process.exit(1);
}

async function stop(): Promise<void> {
  const info = readInfo(dir);
  const running = runningStack(dir);
  if (running) {
    process.kill(running.pid, "SIGTERM");
    const deadline = Date.now() + 40_000;
    while (isAlive(running.pid) && Date.now() < deadline) await sleep(200);
    if (isAlive(running.pid)) {
      console.error(`the supervisor (pid ${running.pid}) did not stop in 40s; killing it`);
      process.kill(running.pid, "SIGKILL");
    }
  }
  // Children of a supervisor that died (or was just killed) are stopped one by one.
  const orphans = await stopOrphans(readInfo(dir) ?? info, (line) => console.log(line));
  removeStaleFiles();
  console.log(running ? `stopped (pid ${running.pid})` : orphans ? "stopped" : "no stack is running");
}

/** The pid file and stack.json of a supervisor that is gone. */
function removeStaleFiles(): void {
  const pid = readPid(dir);
  if (pid && !isAlive(pid)) rmSync(files.pid, { force: true });
  const info = readInfo(dir);
  if (info && !isAlive(info.pid)) rmSync(files.info, { force: true });
}

switch (command) {
  case "start":
    if (flags.has("--detach")) await launchDetached();
    else await supervise(flags.has("--supervise"));
    break;
  case "status": {
    const running = runningStack(dir);
    process.exit(running ? reportRunning(running) : 3);
    break;
  }
  case "stop":
    await stop();
    break;
  default:
    console.error(`unknown command ${command} (start, status, stop)`);
    process.exit(2);
}
