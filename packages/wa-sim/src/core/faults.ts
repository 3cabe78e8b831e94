import { z } from "zod";

/**
 * Everything that can go wrong with an account, as the real service shows it to Baileys. Disconnect faults act on
 * the account's live companions at once; the others persist until `clear`.
 */
export const FaultSchema = z.discriminatedUnion("type", [
  /** The user removed the device on the phone: `<stream:error code="401">`, and every later login gets 401. */
  z.object({ type: z.literal("logged-out") }),
  /** The number is banned: `<failure reason="403">` now and on every login, until `clear`. */
  z.object({ type: z.literal("banned") }),
  /** `<stream:error code="515">`: the client must reconnect at once. */
  z.object({ type: z.literal("restart-required") }),
  /** `<stream:error><conflict type="replaced"/>`: another client took the session over (440). */
  z.object({ type: z.literal("replaced") }),
  /** The WebSocket is closed without a stream error (428). */
  z.object({ type: z.literal("dropped") }),
  /**
   * Reach-out timelock: messages to contacts this account never wrote to before are refused with ack error 463
   * until `until` (epoch ms); existing chats keep working.
   */
  z.object({
    type: z.literal("reachout-timelock"),
    until: z.number().int().positive(),
    enforcementType: z.string().default("DEFAULT"),
  }),
  /** New-chat message cap: after `quota` new chats, messages to further new contacts are refused with 463. */
  z.object({ type: z.literal("new-chat-cap"), quota: z.number().int().nonnegative() }),
  /** Server acks for messages arrive `ms` late. */
  z.object({ type: z.literal("slow-acks"), ms: z.number().int().nonnegative() }),
  /** The server never acks messages (they are still delivered). */
  z.object({ type: z.literal("missing-acks") }),
  /** Every node to the account's companions is delayed by `ms` ± `jitterMs` (order is kept). */
  z.object({
    type: z.literal("latency"),
    ms: z.number().int().nonnegative(),
    jitterMs: z.number().int().nonnegative().default(0),
  }),
  /**
   * At the account's next login, WhatsApp delivers again the last `last` messages contacts sent it that were already
   * delivered (same ids), as the real service does after a reconnect it did not see acknowledged. For dedupe tests.
   */
  z.object({ type: z.literal("replay-inbound"), last: z.number().int().positive().max(500).default(20) }),
  /** Lifts every persistent fault (ban, timelock, cap, acks, latency). Removed devices stay removed. */
  z.object({ type: z.literal("clear") }),
]);

export type Fault = z.input<typeof FaultSchema>;
export type ParsedFault = z.output<typeof FaultSchema>;

export const ScheduledFaultSchema = z.object({
  fault: FaultSchema,
  /** Apply after this many ms instead of now. */
  afterMs: z.number().int().nonnegative().optional(),
});

/** The persistent faults of one account. */
export type AccountFaults = {
  timelock: { until: number; enforcementType: string } | undefined;
  newChatCap: { quota: number; used: number } | undefined;
  ack: { mode: "slow"; ms: number } | { mode: "missing" } | undefined;
  latency: { ms: number; jitterMs: number } | undefined;
};

export function noFaults(): AccountFaults {
  return { timelock: undefined, newChatCap: undefined, ack: undefined, latency: undefined };
}

export function isTimelocked(faults: AccountFaults, now = Date.now()): boolean {
  return faults.timelock !== undefined && faults.timelock.until > now;
}

/** A random delay in [ms - jitter, ms + jitter] drawn from `random` (seeded in the simulator). */
export function latencyDelay(faults: AccountFaults, random: () => number): number {
  if (!faults.latency) return 0;
  const { ms, jitterMs } = faults.latency;
  return Math.max(0, Math.round(ms + (random() * 2 - 1) * jitterMs));
}
