import type { LeanStackOptions } from "@mirage/logger";

/**
 * Baileys' timing stacks: `promiseTimeout` and `delayCancellable` (its Utils/generics.js) read `new Error().stack`
 * on every query and every frame written, for the message of a timeout that almost never fires. Their first five
 * frames already name the query and its caller; the rest are not formatted (bench/sessions/stack-cost.ts).
 */
export const BAILEYS_TIMING_STACKS: NonNullable<LeanStackOptions["brief"]> = {
  file: (fileName) => fileName.endsWith("/@whiskeysockets/baileys/lib/Utils/generics.js"),
  frames: 5,
};
