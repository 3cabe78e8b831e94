import { createHash, randomUUID } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { open, rename } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "@mirage/logger";

/**
 * The file a simulator started with `seed` keeps its state in, under `dir`: one file per seed, so simulators with
 * different seeds can share a directory. The name is the seed made filename-safe plus a short hash of the exact
 * seed (two seeds that differ only in unsafe characters never share a file).
 */
export function stateFilePath(dir: string, seed: string): string {
  const safe = seed.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 64);
  const hash = createHash("sha256").update(seed).digest("hex").slice(0, 8);
  return path.join(dir, `wa-sim-${safe}-${hash}.json`);
}

export type StateFileOptions = {
  file: string;
  /** Builds the JSON-able value to write; called at write time, so it always sees the latest state. */
  snapshot: () => unknown;
  logger: Logger;
  /** Quiet period after the last change before writing, in ms (default 200). */
  debounceMs?: number;
  /** Longest a change waits while changes keep coming, in ms (default 1 000). */
  maxWaitMs?: number;
};

/**
 * A JSON file written atomically (temporary file, fsync, rename): a crash at any moment leaves either the old or
 * the new state, never half of one. Writes are debounced so a burst of changes (a pairing, a pre-key upload, a
 * conversation) costs one write, and one write runs at a time.
 */
export class StateFile {
  private readonly debounceMs: number;
  private readonly maxWaitMs: number;
  private timer: NodeJS.Timeout | undefined;
  private firstChangeAt: number | undefined;
  private dirty = false;
  private writing: Promise<void> | undefined;
  private lastWriteMs = 0;
  private closed = false;
  private readonly lockToken = `${process.pid}:${randomUUID()}`;

  /** Takes the file's lock: throws when another live simulator (this process or another) holds it. */
  constructor(private readonly options: StateFileOptions) {
    this.debounceMs = options.debounceMs ?? 200;
    this.maxWaitMs = options.maxWaitMs ?? 1_000;
    mkdirSync(path.dirname(options.file), { recursive: true });
    this.lock();
  }

  /**
   * `<file>.lock` holds "pid:token" of the simulator using the file: two simulators writing one file would each
   * overwrite the other's accounts. A lock whose process is gone (a crash) is taken over.
   */
  private lock(): void {
    const lockFile = `${this.options.file}.lock`;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(lockFile, "wx", 0o600);
        writeSync(fd, this.lockToken);
        closeSync(fd);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
        const holder = Number(readFileSync(lockFile, "utf8").split(":")[0]);
        if (holder > 0 && isAlive(holder)) {
          throw new Error(`the state file ${this.options.file} is in use by another simulator (pid ${holder})`);
        }
        rmSync(lockFile, { force: true });
      }
    }
    throw new Error(`could not lock ${lockFile}`);
  }

  private unlock(): void {
    const lockFile = `${this.options.file}.lock`;
    try {
      if (readFileSync(lockFile, "utf8") === this.lockToken) rmSync(lockFile, { force: true });
    } catch {
      // already gone
    }
  }

  /**
   * The parsed content of the file, or undefined when there is none. A file that is not JSON is moved aside
   * (`<file>.corrupt-<epoch ms>`) and reported, so a damaged file never stops the simulator from starting.
   */
  read(): unknown {
    let text: string;
    try {
      text = readFileSync(this.options.file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      this.quarantine(err);
      return undefined;
    }
  }

  /** Moves an unreadable file aside (it is kept for inspection) and logs why. */
  quarantine(reason: unknown): void {
    const aside = `${this.options.file}.corrupt-${Date.now()}`;
    renameSync(this.options.file, aside);
    this.options.logger.warn({ err: reason, file: aside }, "wa-sim state file unreadable; moved aside, starting empty");
  }

  get path(): string {
    return this.options.file;
  }

  /** Something changed: write soon. */
  changed(): void {
    if (this.closed) return;
    this.dirty = true;
    const now = Date.now();
    this.firstChangeAt ??= now;
    if (this.timer) clearTimeout(this.timer);
    // A large state (hundreds of accounts with their pre-keys) takes a while to write: keep at least twice that
    // between writes, so saving never takes more than a third of the process's time.
    const wait = Math.max(
      0,
      Math.min(this.debounceMs, this.firstChangeAt + this.maxWaitMs - now),
      this.firstChangeAt + 2 * this.lastWriteMs - now,
    );
    this.timer = setTimeout(() => void this.flush().catch(() => {}), wait);
  }

  /** Writes now if anything changed since the last write; resolves when the state on disk is current. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.writing) await this.writing.catch(() => {});
    if (!this.dirty) return;
    this.dirty = false;
    this.firstChangeAt = undefined;
    this.writing = this.write().finally(() => {
      this.writing = undefined;
    });
    try {
      await this.writing;
    } catch (err) {
      // Keep the change pending: the next change or flush tries again.
      this.dirty = true;
      this.options.logger.error({ err, file: this.options.file }, "could not save the wa-sim state");
      throw err;
    }
  }

  /** Writes what is pending, stops accepting changes and releases the lock. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
    } finally {
      this.closed = true;
      this.unlock();
    }
  }

  private async write(): Promise<void> {
    const started = performance.now();
    await this.writeFile();
    this.lastWriteMs = performance.now() - started;
  }

  private async writeFile(): Promise<void> {
    const { file } = this.options;
    const tmp = `${file}.tmp-${process.pid}`;
    const handle = await open(tmp, "w", 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(this.options.snapshot())}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
