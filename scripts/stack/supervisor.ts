/**
 * Runs the stack's processes: starts them in order, waits until each is ready, prefixes their output, and when one
 * dies unexpectedly restarts that one alone with backoff (the others keep running, as with `restart:` in compose).
 * A child that keeps dying (more restarts than the policy allows within its window) stops the whole stack with a message
 * saying which one and where its log is.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { type ChildRecord, processStartTime } from "./state.ts";

export type ChildSpec = {
  name: string;
  cwd: string;
  /** Program and arguments; evaluated at every (re)start, after the children before it captured their values. */
  command: () => string[];
  env?: () => Record<string, string>;
  /** Ports this child listens on: checked free before the first start, so a clash is one clear line. */
  ports?: () => { port: number; setting: string }[];
  /** Ready when this URL answers 2xx, or when an output line matches `readyLine`; else as soon as it runs. */
  readyUrl?: () => string;
  readyLine?: RegExp;
  /** Values read from the output (first capture group), handed to the children started after it. */
  captures?: Record<string, RegExp>;
  /** Banner lines once ready. */
  announce: () => string[];
};

export type RestartPolicy = {
  /** Restarts allowed within `windowMs` before the stack gives up (default 5 within 5 min). */
  limit: number;
  windowMs: number;
  /** Wait before restart n (0-based) within the window: 1 s, 2 s, 4 s … capped at 30 s by default. */
  backoffMs: (restartsInWindow: number) => number;
};

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  limit: 5,
  windowMs: 5 * 60_000,
  backoffMs: (n) => Math.min(30_000, 1_000 * 2 ** n),
};
const READY_TIMEOUT_MS = 180_000;
const STOP_GRACE_MS = 15_000;

type Running = { spec: ChildSpec; child: ChildProcess; restarts: number[]; wasReady: boolean };

export class Supervisor {
  /** Values captured from children's output (e.g. the simulator's certificate root). */
  readonly shared: Record<string, string> = {};
  private readonly running: Running[] = [];
  private stopping = false;

  constructor(
    private readonly out: (line: string) => void,
    private readonly hooks: { onChildrenChanged: () => void; onGiveUp: (reason: string) => void },
    private readonly policy: RestartPolicy = DEFAULT_RESTART_POLICY,
  ) {}

  /** Pids and start times of the children running now (for stack.json). */
  children(): ChildRecord[] {
    return this.running.flatMap(({ spec, child }) =>
      child.pid ? [{ name: spec.name, pid: child.pid, startTime: processStartTime(child.pid) }] : [],
    );
  }

  /** Starts `spec` and waits until it is ready; throws (with the reason) when it exits or times out first. */
  async start(spec: ChildSpec): Promise<void> {
    const entry: Running = { spec, child: this.spawn(spec), restarts: [], wasReady: false };
    this.running.push(entry);
    this.hooks.onChildrenChanged();
    await this.waitReady(entry);
    entry.wasReady = true;
  }

  /**
   * Stops every child one at a time, last started first (workers end their sessions while the simulator and the
   * orchestrator still answer): SIGTERM to its process group, SIGKILL after the grace period.
   */
  async stopAll(): Promise<void> {
    this.stopping = true;
    for (const { spec, child } of [...this.running].reverse()) {
      signalGroup(child, "SIGTERM");
      const deadline = Date.now() + STOP_GRACE_MS;
      while (isRunning(child) && Date.now() < deadline) await sleep(100);
      if (!isRunning(child)) continue;
      this.out(`${spec.name} did not stop within ${STOP_GRACE_MS / 1000}s; killing it`);
      signalGroup(child, "SIGKILL");
    }
  }

  private spawn(spec: ChildSpec): ChildProcess {
    const [command, ...args] = spec.command();
    if (!command) throw new Error(`${spec.name}: empty command`);
    const child = spawn(command, args, {
      cwd: spec.cwd,
      env: { ...process.env, ...this.shared, ...spec.env?.(), FORCE_COLOR: "0" },
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group: stopping it reaches whatever it spawned, and Ctrl+C reaches only the supervisor,
      // which stops the children in order.
      detached: true,
    });
    const onLine = (line: string) => {
      this.out(`${spec.name.padEnd(13)}| ${line}`);
      for (const [key, re] of Object.entries(spec.captures ?? {})) {
        const value = line.match(re)?.[1];
        if (value) this.shared[key] = value;
      }
      child.emit("line", line);
    };
    if (child.stdout) splitLines(child.stdout, onLine);
    if (child.stderr) splitLines(child.stderr, onLine);
    child.on("error", (err) => this.out(`${spec.name}: could not start: ${err.message}`));
    child.once("exit", (code, signal) => void this.onExit(spec, child, code, signal));
    return child;
  }

  private async onExit(spec: ChildSpec, child: ChildProcess, code: number | null, signal: string | null) {
    const entry = this.running.find((r) => r.child === child);
    // A child that never became ready fails the start instead (its caller reports why).
    if (this.stopping || !entry?.wasReady) return;
    const now = Date.now();
    const { limit, windowMs } = this.policy;
    entry.restarts = entry.restarts.filter((t) => now - t < windowMs);
    const how = signal ? `signal ${signal}` : `code ${code}`;
    const window = windowMs >= 60_000 ? `${windowMs / 60_000} min` : `${windowMs / 1000}s`;
    if (entry.restarts.length >= limit) {
      this.hooks.onGiveUp(
        `${spec.name} exited (${how}) and keeps crashing (${limit} restarts within ${window}); stopping the stack`,
      );
      return;
    }
    const wait = this.policy.backoffMs(entry.restarts.length);
    entry.restarts.push(now);
    this.out(
      `!! ${spec.name} exited unexpectedly (${how}); restarting it in ${wait / 1000}s (restart ${entry.restarts.length} of ${limit} allowed within ${window}); the other processes keep running`,
    );
    await sleep(wait);
    if (this.stopping) return;
    entry.child = this.spawn(spec);
    this.hooks.onChildrenChanged();
    try {
      await this.waitReady(entry);
      this.out(`== ${spec.name} is running again (pid ${entry.child.pid})`);
    } catch (err) {
      // Its exit handler already decides about the next restart.
      this.out(`!! ${spec.name} did not come back: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async waitReady({ spec, child }: Running): Promise<void> {
    const exited = new Promise<never>((_, reject) =>
      child.once("exit", (code, signal) =>
        reject(new Error(`exited (${signal ? `signal ${signal}` : `code ${code}`}) before it was ready`)),
      ),
    );
    exited.catch(() => {});
    const timeout = sleep(READY_TIMEOUT_MS).then(() => {
      throw new Error(`not ready after ${READY_TIMEOUT_MS / 1000}s`);
    });
    timeout.catch(() => {});
    let ready: Promise<unknown> = Promise.resolve();
    if (spec.readyUrl) ready = waitForUrl(spec.readyUrl(), child);
    else if (spec.readyLine) {
      const re = spec.readyLine;
      ready = new Promise<void>((resolve) => {
        const listener = (line: string) => {
          if (!re.test(line)) return;
          child.off("line", listener);
          resolve();
        };
        child.on("line", listener);
      });
    }
    await Promise.race([ready, exited, timeout]);
  }
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid || !isRunning(child)) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

function splitLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buffer = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    buffer += chunk;
    let idx = buffer.indexOf("\n");
    while (idx !== -1) {
      onLine(buffer.slice(0, idx));
      buffer = buffer.slice(idx + 1);
      idx = buffer.indexOf("\n");
    }
  });
  stream.on("end", () => {
    if (buffer) onLine(buffer);
  });
}

async function waitForUrl(url: string, child: ChildProcess): Promise<void> {
  while (isRunning(child)) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(300);
  }
}

/** The first port (of every child's) that something already listens on, with the setting that chooses it. */
export async function findBusyPort(
  specs: ChildSpec[],
  // The wildcard address: a bind there fails when anything listens on the port on any address.
  host = "0.0.0.0",
): Promise<{ name: string; port: number; setting: string } | undefined> {
  for (const spec of specs) {
    for (const { port, setting } of spec.ports?.() ?? []) {
      if (port > 0 && !(await isPortFree(port, host))) return { name: spec.name, port, setting };
    }
  }
  return undefined;
}

function isPortFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}
