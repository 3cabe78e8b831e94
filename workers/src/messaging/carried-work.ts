import type { Tx } from "@mirage/db";

/**
 * Work another part of messaging hands the next `sending` commit to carry (receipts waiting for their flush,
 * on-WhatsApp answers waiting to be stored).
 */
export type CarriedWork = { apply(tx: Tx): Promise<unknown>; settle(committed: boolean): void };

/** One carried work made of several (each applied in the same transaction, each told its outcome); undefined if none. */
export function carryAll(...works: Array<CarriedWork | undefined>): CarriedWork | undefined {
  const present = works.filter((w): w is CarriedWork => w !== undefined);
  if (present.length <= 1) return present[0];
  return {
    apply: (tx) => Promise.all(present.map((w) => w.apply(tx))),
    settle: (committed) => {
      for (const w of present) w.settle(committed);
    },
  };
}
