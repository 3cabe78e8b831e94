/**
 * What a running stack leaves on disk, in its run directory (MIRAGE_RUN_DIR, default `.mirage/`):
 *
 *   stack.pid     the supervisor's pid, created exclusively by the supervisor itself (two starts cannot both own it)
 *   stack.json    mode, addresses, children (pid and start time) and the banner: the one source other commands
 *                 (`./mirage pair`, `./mirage stop`, a second `./mirage start`) read
 *   logs/         stack.log (appended, rotated by size), the simulator's state under wa-sim/
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";

export type ChildRecord = { name: string; pid: number; startTime: string | undefined };

export type StackInfo = {
  pid: number;
  /** The supervisor's start time as /proc shows it: tells the supervisor apart from a later process with its pid. */
  pidStartTime: string | undefined;
  startedAt: string;
  mode: "simulator" | "real";
  state: "starting" | "ready";
  log: string;
  api: string | undefined;
  waSim: { url: string; controlUrl: string; rootKey: string | undefined; stateDir: string } | undefined;
  children: ChildRecord[];
  banner: string[];
};

export function runDir(root: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.MIRAGE_RUN_DIR || path.join(root, ".mirage"));
}

export const paths = (dir: string) => ({
  pid: path.join(dir, "stack.pid"),
  info: path.join(dir, "stack.json"),
  logs: path.join(dir, "logs"),
  log: path.join(dir, "logs", "stack.log"),
  waSimState: path.join(dir, "wa-sim"),
});

/** The kernel's start time of `pid` (jiffies since boot; Linux), or undefined where /proc is missing. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces) start after the last ")"; starttime is field 22.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/** Whether `pid` runs (a zombie, killed but not yet reaped by its parent, does not). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true;
  }
}

/** Alive and still the process that was recorded (not a later one that got the same pid). */
export function isSameProcess(pid: number, startTime: string | undefined): boolean {
  if (!isAlive(pid)) return false;
  const now = processStartTime(pid);
  return startTime === undefined || now === undefined || now === startTime;
}

export function readInfo(dir: string): StackInfo | undefined {
  try {
    return JSON.parse(readFileSync(paths(dir).info, "utf8")) as StackInfo;
  } catch {
    return undefined;
  }
}

/** Atomic (temp file + rename): a reader never sees half a file. */
export function writeInfo(dir: string, info: StackInfo): void {
  const file = paths(dir).info;
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(info, null, 2)}\n`);
  renameSync(tmp, file);
}

export function readPid(dir: string): number | undefined {
  try {
    const pid = Number(readFileSync(paths(dir).pid, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The stack that is running now, judged by the pid file and stack.json together: the supervisor must be alive and
 * be the process stack.json describes. Undefined when none runs (stale files are left for `claimPidFile`).
 */
export function runningStack(dir: string): StackInfo | undefined {
  const pid = readPid(dir);
  if (!pid) return undefined;
  const info = readInfo(dir);
  if (info && info.pid === pid) return isSameProcess(pid, info.pidStartTime) ? info : undefined;
  // A supervisor still starting (no stack.json yet) or one from an older version: alive is all we can check.
  return isAlive(pid) ? { ...emptyInfo(pid), state: "starting" } : undefined;
}

function emptyInfo(pid: number): StackInfo {
  return {
    pid,
    pidStartTime: undefined,
    startedAt: "",
    mode: "real",
    state: "starting",
    log: "",
    api: undefined,
    waSim: undefined,
    children: [],
    banner: [],
  };
}

/**
 * Makes this process the owner of the pid file. Returns false when a live stack owns it; a stale file (its process
 * is gone) is replaced.
 */
export function claimPidFile(dir: string): boolean {
  mkdirSync(dir, { recursive: true });
  const file = paths(dir).pid;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o644);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      if (runningStack(dir)) return false;
      rmSync(file, { force: true });
    }
  }
  return false;
}

/** Removes the pid file and stack.json, only when they are this process's. */
export function releaseFiles(dir: string, pid = process.pid): void {
  if (readPid(dir) === pid) rmSync(paths(dir).pid, { force: true });
  if (readInfo(dir)?.pid === pid) rmSync(paths(dir).info, { force: true });
}
