import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";

/** Logs past this size are rotated at the next start: stack.log → stack.log.1 → … → stack.log.<KEEP>. */
export const ROTATE_BYTES = 10 * 1024 * 1024;
export const KEEP_ROTATED = 3;

/**
 * Rotates `file` when it grew past `maxBytes`; never truncates, so the log of a crash is still there after the
 * next start (appended to, or in `<file>.1`).
 */
export function rotateIfLarge(file: string, maxBytes = ROTATE_BYTES, keep = KEEP_ROTATED): void {
  mkdirSync(path.dirname(file), { recursive: true });
  if (!existsSync(file) || statSync(file).size < maxBytes) return;
  rmSync(`${file}.${keep}`, { force: true });
  for (let i = keep - 1; i >= 1; i--) {
    if (existsSync(`${file}.${i}`)) renameSync(`${file}.${i}`, `${file}.${i + 1}`);
  }
  renameSync(file, `${file}.1`);
}

/**
 * Where the supervisor's lines go: the terminal and the log file in the foreground; in the background stdout already
 * is the log file (opened for append by the launcher).
 */
export function makeOutput(options: { file: string; stdoutIsLog: boolean }): (line: string) => void {
  return (line) => {
    process.stdout.write(`${line}\n`);
    if (!options.stdoutIsLog) appendFileSync(options.file, `${line}\n`);
  };
}

export function startHeader(pid: number, args: string[]): string {
  return `──── ${new Date().toISOString()} stack starting (pid ${pid}${args.length ? `, ${args.join(" ")}` : ""}) ────`;
}
