/**
 * A bare Baileys send loop in its own process (bare-sender.ts), paired to `account` on a simulator: the baseline a
 * benchmark compares Mirage's CPU per message with (same simulator, same contacts, same run). The process is
 * registered with bench/lib.ts, so it is stopped however the benchmark ends.
 */
import { fork } from "node:child_process";
import path from "node:path";
import type { Simulator } from "@mirage/wa-sim";
import { track } from "../lib.ts";

export type BareLoop = {
  pid: number;
  /** Sends `count` texts to `jids` in turn, one after another; resolves once the loop wrote the last one. */
  send(jids: string[], count: number, text: string): Promise<void>;
  close(): void;
};

/** Forks the bare sender, pairs it by QR as `account` and resolves once its socket is open (rejects after 3 min). */
export async function startBareLoop(sim: Simulator, account: string): Promise<BareLoop> {
  const child = track(
    fork(path.join(import.meta.dirname, "bare-sender.ts"), {
      execArgv: ["--import", "tsx"],
      env: { ...process.env, SIM_URL: sim.url, SIM_ROOT: sim.rootPublicKey.toString("hex") },
      stdio: "inherit",
    }),
  );
  const waiting: { resolve: () => void; reject: (err: Error) => void }[] = [];
  let opened: () => void = () => {};
  const open = new Promise<void>((resolve, reject) => {
    opened = resolve;
    setTimeout(() => reject(new Error("the bare socket did not open within 3 min")), 180_000).unref();
  });
  child.on("message", (m: { qr?: string; open?: boolean; done?: boolean; error?: string }) => {
    if (m.qr) child.send({ type: "scanned", deviceId: sim.phone(account).scan(m.qr).deviceId });
    if (m.open) opened();
    if (m.done) waiting.shift()?.resolve();
    if (m.error) waiting.shift()?.reject(new Error(`bare sender: ${m.error}`));
  });
  await open;
  return {
    pid: child.pid ?? 0,
    send(jids, count, text) {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ resolve, reject });
        child.send({ type: "send", jids, count, text });
      });
    },
    close() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    },
  };
}
