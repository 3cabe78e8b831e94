import type { Logger } from "@mirage/logger";
import type { ContactDirectory } from "../contacts/directory.ts";
import type { BinaryNode } from "../protocol/nodes.ts";
import type { Connection } from "../transport/connection.ts";
import type { AccountRegistry } from "./accounts.ts";
import type { GroundTruth } from "./ground-truth.ts";

/** Timers owned by the simulator: all cleared on close so nothing keeps the process alive. */
export class Timers {
  private readonly pending = new Set<NodeJS.Timeout>();

  after(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      fn();
    }, ms);
    this.pending.add(timer);
  }

  clear(): void {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }
}

export type QrOptions = {
  /** How many `<ref>`s one registration gets (the real service sends 6). */
  refs: number;
  /** Lifetime of the first ref, in ms (60 s like the real service and Baileys' own QR timer). */
  firstRefTtlMs: number;
  /** Lifetime of every later ref, in ms (20 s). */
  nextRefTtlMs: number;
};

/** What every protocol module shares. */
export type SimContext = {
  seed: string;
  logger: Logger;
  accounts: AccountRegistry;
  contacts: ContactDirectory;
  groundTruth: GroundTruth;
  timers: Timers;
  /** Seeded PRNG in [0, 1). */
  random: () => number;
  qr: QrOptions;
  send: (connection: Connection, node: BinaryNode) => void;
  /** Something a restart must keep changed (an account, a device, a contact's session): save soon. */
  changed: () => void;
};

/** mulberry32: a tiny seeded PRNG, good enough for jitter and ids. */
export function seededRandom(seedBytes: Buffer): () => number {
  let a = seedBytes.readUInt32BE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomId(random: () => number, prefix = "3EB0", bytes = 8): string {
  let out = prefix;
  for (let i = 0; i < bytes; i++) {
    out += Math.floor(random() * 256)
      .toString(16)
      .padStart(2, "0")
      .toUpperCase();
  }
  return out;
}
