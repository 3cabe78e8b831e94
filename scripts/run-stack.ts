/**
 * The supervisor behind `./mirage start`: starts each Mirage process that exists in this checkout, prefixes its
 * output, waits until each is ready, prints where everything listens and how to log in, and stops them all
 * together (SIGINT/SIGTERM, or when any of them dies). With --detach it runs itself in the background.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const root = path.resolve(import.meta.dirname, "..");
const state = path.join(root, ".mirage");
const args = new Set(process.argv.slice(2));
const simulator = args.has("--simulator") || process.env.MIRAGE_WA === "simulator";
const READY_LINE = "Mirage is ready";
const tsx = path.join(root, "node_modules/.bin/tsx");

type Spec = {
  name: string;
  cwd: string;
  entry: string;
  env?: Record<string, string>;
  /** Ready when this URL answers 2xx, or when a line matches `readyLine` (captures become env for later specs). */
  readyUrl?: string;
  readyLine?: RegExp;
  /** Values read from the process's output (first capture group) and handed to the processes started after it. */
  captures?: Record<string, RegExp>;
  announce: () => string[];
};

const orchestratorPort = process.env.ORCHESTRATOR_PORT ?? "3001";
const dashboardPort = process.env.DASHBOARD_PORT ?? "3000";
const shared: Record<string, string> = {};

const specs: Spec[] = [
  ...(simulator
    ? [
        {
          name: "wa-sim",
          cwd: path.join(root, "packages/wa-sim"),
          entry: "src/cli.ts",
          readyLine: /Certificate root \(hex\):\s+[0-9a-f]{64}/,
          captures: {
            WA_SIM_URL: /WebSocket[^:]*:\s+(ws:\/\/\S+)/,
            WA_SIM_CONTROL_URL: /Control API:\s+(http:\/\/\S+)/,
            WA_SIM_ROOT_KEY: /Certificate root \(hex\):\s+([0-9a-f]{64})/,
          },
          announce: () => [
            `WhatsApp simulator   ${shared.WA_SIM_URL ?? ""} (control API ${shared.WA_SIM_CONTROL_URL ?? ""})`,
          ],
        },
      ]
    : []),
  {
    name: "orchestrator",
    cwd: path.join(root, "orchestrator"),
    entry: "src/main.ts",
    env: { ORCHESTRATOR_PORT: orchestratorPort },
    readyUrl: `http://127.0.0.1:${orchestratorPort}/healthz`,
    announce: () => [
      `API                  http://127.0.0.1:${orchestratorPort}/api/v1`,
      `API docs             http://127.0.0.1:${orchestratorPort}/docs`,
    ],
  },
  {
    name: "workers",
    cwd: path.join(root, "workers"),
    entry: "src/main.ts",
    readyLine: /worker started/i,
    announce: () => [`Worker               http://127.0.0.1:${process.env.WORKER_HTTP_PORT ?? "4100"}/healthz`],
  },
  {
    name: "dashboard",
    cwd: path.join(root, "dashboard"),
    entry: "package.json",
    env: { DASHBOARD_PORT: dashboardPort, MIRAGE_API_URL: `http://127.0.0.1:${orchestratorPort}` },
    readyUrl: `http://127.0.0.1:${dashboardPort}/sign-in`,
    announce: () => [`Dashboard            http://127.0.0.1:${dashboardPort}`],
  },
];

const children: ChildProcess[] = [];
let stopping = false;

function prefix(name: string, stream: NodeJS.ReadableStream, onLine?: (line: string) => void): void {
  let buffer = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    buffer += chunk;
    let idx = buffer.indexOf("\n");
    while (idx !== -1) {
      const line = buffer.slice(0, idx);
      buffer = buffer.slice(idx + 1);
      process.stdout.write(`${name.padEnd(13)}| ${line}\n`);
      onLine?.(line);
      idx = buffer.indexOf("\n");
    }
  });
}

async function waitForUrl(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(300);
  }
  throw new Error(`not ready after ${timeoutMs / 1000}s (${url})`);
}

async function start(spec: Spec): Promise<void> {
  const isNext = spec.entry === "package.json";
  const command = isNext ? "pnpm" : tsx;
  const commandArgs = isNext ? ["run", "start"] : [spec.entry];
  const child = spawn(command, commandArgs, {
    cwd: spec.cwd,
    env: { ...process.env, ...shared, ...spec.env, FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let resolveLine: ((m: RegExpMatchArray) => void) | undefined;
  const lineSeen = new Promise<RegExpMatchArray>((resolve) => {
    resolveLine = resolve;
  });
  const onLine = (line: string) => {
    for (const [key, re] of Object.entries(spec.captures ?? {})) {
      const value = line.match(re)?.[1];
      if (value) shared[key] = value;
    }
    const m = spec.readyLine ? line.match(spec.readyLine) : null;
    if (m) resolveLine?.(m);
  };
  if (child.stdout) prefix(spec.name, child.stdout, onLine);
  if (child.stderr) prefix(spec.name, child.stderr, onLine);
  child.on("exit", (code, signal) => {
    if (stopping) return;
    process.stdout.write(`${spec.name} stopped unexpectedly (code ${code}, signal ${signal}); stopping the stack\n`);
    void shutdown(1);
  });
  if (spec.readyUrl) {
    await waitForUrl(spec.readyUrl, child, 120_000);
  } else if (spec.readyLine) {
    const exited = new Promise<never>((_, reject) =>
      child.on("exit", (code) => reject(new Error(`exited with code ${code} before it was ready`))),
    );
    const timeout = sleep(120_000).then(() => {
      throw new Error("not ready after 120s");
    });
    await Promise.race([lineSeen, exited, timeout]);
  }
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const child of [...children].reverse()) child.kill("SIGTERM");
  const deadline = Date.now() + 15_000;
  while (children.some((c) => c.exitCode === null && c.signalCode === null) && Date.now() < deadline) await sleep(100);
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  process.exit(code);
}

async function runForeground(): Promise<void> {
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));
  const started: Spec[] = [];
  for (const spec of specs) {
    if (!existsSync(path.join(spec.cwd, spec.entry))) continue;
    if (spec.entry === "package.json") {
      const pkg = JSON.parse(readFileSync(path.join(spec.cwd, "package.json"), "utf8")) as { scripts?: object };
      if (!pkg.scripts || !("start" in pkg.scripts)) continue;
    }
    try {
      await start(spec);
    } catch (err) {
      process.stdout.write(`${spec.name}: ${err instanceof Error ? err.message : String(err)}\n`);
      await shutdown(1);
      return;
    }
    started.push(spec);
  }
  const lines = [
    "",
    "──────────────────────────────────────────────────────────────",
    ...started.flatMap((s) => s.announce()),
    `Postgres (app role)  ${redact(process.env.DATABASE_URL ?? "")}`,
    `Redis                ${process.env.REDIS_URL ?? "redis://127.0.0.1:6379"}`,
    "Login                owner@demo.mirage.local / mirage-demo",
    "                     (also admin@, operator@, marketer@, viewer@ with the same password)",
    `WhatsApp             ${simulator ? "simulator (virtual phones, nothing reaches WhatsApp)" : "real WhatsApp"}`,
    `${READY_LINE}. Stop with Ctrl+C (or ./mirage stop after --detach).`,
    "──────────────────────────────────────────────────────────────",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  writeFileSync(path.join(state, "stack.banner"), `${lines.join("\n")}\n`);
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, "//$1:***@");
}

async function runDetached(): Promise<void> {
  mkdirSync(path.join(state, "logs"), { recursive: true });
  const logFile = path.join(state, "logs/stack.log");
  rmSync(path.join(state, "stack.banner"), { force: true });
  const out = openSync(logFile, "w");
  const child = spawn(
    process.execPath,
    [...process.execArgv, ...process.argv.slice(1).filter((a) => a !== "--detach")],
    {
      detached: true,
      stdio: ["ignore", out, out],
      env: process.env,
    },
  );
  child.unref();
  writeFileSync(path.join(state, "stack.pid"), String(child.pid));
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    const log = readFileSync(logFile, "utf8");
    if (log.includes(READY_LINE)) {
      process.stdout.write(readFileSync(path.join(state, "stack.banner"), "utf8"));
      process.stdout.write(`Running in the background (logs: ${logFile}); stop with ./mirage stop\n`);
      return;
    }
    if (child.exitCode !== null || !isAlive(child.pid)) {
      process.stdout.write(log);
      process.exit(1);
    }
    await sleep(300);
  }
  process.stdout.write(`the stack did not become ready; see ${logFile}\n`);
  process.exit(1);
}

function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

if (args.has("--detach")) await runDetached();
else await runForeground();
