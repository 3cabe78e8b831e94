import {
  checkSendTime,
  drawBreakAfter,
  effectiveCaps,
  nextGap,
  nextSendTime,
  recipientZones,
  typingTime,
} from "@mirage/campaign-rules";
import {
  type TCampaignSchedule,
  type TCaps,
  type TPacing,
  ZCampaignSchedule,
  ZCaps,
  ZPacing,
} from "@mirage/contracts/campaigns";
import type { Database } from "@mirage/db";
import { findSendBlock } from "@mirage/db/messaging-settings";
import { claimForSend, type SendBlock, type SendWork } from "@mirage/db/outbound-messages";
import {
  type ChainCandidate,
  claimedCampaignMessage,
  dueForInstance,
  holidaySet,
  instanceCapsInfo,
  lockPacing,
  lockPacingForStep,
  nextDueAt,
  personForSend,
  postpone,
  savePacing,
  sentWindowCounts,
  setNextSendAt,
  setRenderedBody,
  skipQueued,
} from "@mirage/db/outreach";
import type { Logger } from "@mirage/logger";
import { parsePhone } from "@mirage/phone";
import { renderTemplate, seededRandom } from "@mirage/templates";
import type { Sender, SendGuard, SendOutcome } from "../messaging/index.ts";
import type { SessionsPort } from "../sessions/index.ts";

/** How long a number's slot stays held for a message in flight before another step may send (crash recovery). */
const IN_FLIGHT_HOLD_MS = 15_000;

/** How long a number's own caps (hourly/daily) and pairing date are reused between steps, ms. */
const CAPS_INFO_TTL_MS = 30_000;

/** The write a compose step scheduled: at `at`, the message `messageId` is written (the number typed until then). */
export type PendingWrite = { at: Date; messageId: number; gapMs: number };

/**
 * What one step of a number's chain did, and when the chain should run next (null: nothing left to do, or the
 * scheduled `write` continues the chain).
 */
export type StepResult = {
  next: Date | null;
  outcome?: SendOutcome | { outcome: "waiting"; reason: string } | { outcome: "composing"; messageId: number };
  write?: PendingWrite;
  /** When a write step's frame was written to the socket (only when it wrote). */
  writtenAt?: Date;
};

/** A message the pick claimed, rendered for its recipient, with the blacklist/consent verdict of the claim. */
type ClaimedWork = SendWork & { block: SendBlock | null };

// Stored settings were validated by the API; a row written otherwise (seed, hand edit) falls back to defaults.
const or = <T>(schema: { safeParse(v: unknown): { success: boolean; data?: T } }, v: unknown): T =>
  (schema.safeParse(v ?? {}).data ?? schema.safeParse({}).data) as T;
const settings = (c: ChainCandidate) => ({
  pacing: or<TPacing>(ZPacing, c.pacing),
  caps: or<TCaps>(ZCaps, c.caps),
  schedule: or<TCampaignSchedule>(ZCampaignSchedule, c.schedule),
  quietHours: c.quietHours?.start && c.quietHours.end ? { start: c.quietHours.start, end: c.quietHours.end } : null,
});

const countryOf = (phone: string | null): string | null => {
  if (!phone) return null;
  const parsed = parsePhone(phone);
  return parsed.ok ? (parsed.phone.country ?? null) : null;
};

/**
 * One step of a number's send chain: under the number's pacing lock, finds the next recipient whose time has come
 * and whose window is open in their own zones (others are postponed to their next opening, or skipped when it
 * never opens), applies caps and warm-up, reserves the slot (drawn gap, occasional break, typing time) and hands
 * the message to the one send module with the campaign's guard (still running, no reply since planning; the
 * module itself checks blacklist, consent and on-WhatsApp). Answers when to run next.
 */
export function createChainStep(deps: { db: Database; sessions: SessionsPort; sender: Sender; logger: Logger }) {
  const { db, sessions, sender } = deps;
  const log = deps.logger.child({ module: "outreach-step" });

  // A number's own caps and pairing date change rarely (an admin's edit): read once per CAPS_INFO_TTL_MS per number
  // instead of on every step.
  const capsCache = new Map<string, { at: number; info: Awaited<ReturnType<typeof instanceCapsInfo>> }>();
  const capsInfo = async (tx: Parameters<typeof instanceCapsInfo>[0], instanceId: string) => {
    const hit = capsCache.get(instanceId);
    if (hit && Date.now() - hit.at < CAPS_INFO_TTL_MS) return hit.info;
    const info = await instanceCapsInfo(tx, instanceId);
    capsCache.set(instanceId, { at: Date.now(), info });
    return info;
  };

  /** The campaign's checks were made in the pick's transaction, the same moment the row was claimed. */
  const pickedGuard: SendGuard = async () => undefined;

  /**
   * After a send attempt: the number's next slot. Written → the gap counts from the write; nothing written → the
   * reserved gap is given back and the next recipient may go now (a moment later when the number cannot send).
   */
  async function settle(instanceId: string, outcome: SendOutcome | undefined, gapMs: number): Promise<StepResult> {
    const after = new Date();
    if (outcome?.outcome !== "sending") {
      await db.asService(async (tx) => {
        const p = await lockPacing(tx, instanceId);
        await savePacing(tx, instanceId, {
          ...p,
          nextSendAt: after,
          sendsSinceBreak: Math.max(0, p.sendsSinceBreak - 1),
        });
      });
      if (outcome?.outcome === "deferred" && outcome.reason !== "not_hosted") {
        return { next: new Date(after.getTime() + 2_000), outcome };
      }
      return { next: after, outcome };
    }
    log.debug({ instanceId, messageId: outcome.messageId }, "campaign message sent");
    const next = new Date(after.getTime() + gapMs);
    await db.asService((tx) => setNextSendAt(tx, instanceId, next));
    return { next, outcome };
  }

  /**
   * The chain's write step, at the end of the typing a compose step started: the message is written if this number
   * still holds its claim and every check passes again (a pause, a reply or an opt-out during the typing stops it;
   * at most once either way). Answers when the chain runs next.
   */
  async function write(instanceId: string, w: Pick<PendingWrite, "messageId" | "gapMs">): Promise<StepResult> {
    // Everything the write checks again, in one transaction: the claim, the campaign's checks (still running, still
    // a sender, no reply since) and the blacklist/consent verdict; the text was rendered and the number resolved
    // when the typing began, so what is left is the `sending` commit and the frame.
    const read = await db.asService(async (tx) => {
      const claimed = await claimedCampaignMessage(tx, w.messageId, instanceId);
      if (!claimed) return undefined;
      const block = await findSendBlock(tx, {
        orgId: claimed.orgId,
        phone: claimed.recipientPhone,
        lid: claimed.recipientLid,
        contactId: claimed.contactId,
      });
      return { claimed, block };
    });
    if (!read) return settle(instanceId, undefined, w.gapMs);
    const { claimed, block } = read;
    const guard: SendGuard = async () =>
      !claimed.running ? { defer: "not_hosted" } : claimed.replied ? { skip: "replied" } : undefined;
    const outcome = await sender.deliver(
      claimed,
      { guard, notOnWhatsApp: "skip", typingMs: 0 },
      { block: block ?? undefined },
    );
    const writtenAt = outcome.outcome === "sending" ? new Date() : undefined;
    const result = await settle(instanceId, outcome, w.gapMs);
    return writtenAt ? { ...result, writtenAt } : result;
  }

  async function step(instanceId: string, now = new Date()): Promise<StepResult> {
    // A number that cannot send takes no step (its chain ends here): the sweep arms it again once it can, and the
    // campaign tick hands its recipients to other numbers if it stays unable.
    const ready = sessions.canSend(instanceId);
    if (!ready.ok) return { next: null, outcome: { outcome: "waiting", reason: ready.reason } };

    type Pick = { work: ClaimedWork; typingMs: number; gapMs: number } | { wait: Date | null; reason: string };
    // One transaction under the number's pacing lock: the recipient picked, checked for this person (stop-on-reply,
    // the text rendered for them), claimed and the slot reserved — a few statements, one commit.
    const pick = await db.asService(async (tx): Promise<Pick> => {
      const pacing = await lockPacingForStep(tx, instanceId);
      if (pacing.nextSendAt.getTime() > now.getTime() + 25) return { wait: pacing.nextSendAt, reason: "pacing" };
      // The previous message is still being typed or written (its write job continues the chain when it runs).
      if (pacing.inFlight) return { wait: new Date(now.getTime() + 2_000), reason: "in_flight" };
      const candidates = await dueForInstance(tx, instanceId, now, 8);
      if (candidates.length === 0) {
        const at = await nextDueAt(tx, instanceId);
        return { wait: at, reason: "nothing_due" };
      }
      for (const c of candidates) {
        const s = settings(c);
        if (c.endsAt && c.endsAt.getTime() <= now.getTime()) continue;
        const country = countryOf(c.recipientPhone);
        const zones = c.recipientPhone ? await recipientZones(c.recipientPhone) : [];
        const rules = {
          campaignZone: c.timezone,
          schedule: s.schedule,
          quietHours: s.quietHours,
          recipientZones: zones,
          holidays: c.skipHolidays ? await holidaySet(tx, c.orgId, country, now) : new Set<string>(),
        };
        if (!checkSendTime(now, rules).ok) {
          const at = nextSendTime(now, rules);
          if (at === null || (c.endsAt && at >= c.endsAt)) await skipQueued(tx, c.id, "window_never_opens");
          else await postpone(tx, c.id, at);
          continue;
        }
        const caps = effectiveCaps(s.caps, await capsInfo(tx, instanceId), now);
        const sent = await sentWindowCounts(tx, instanceId, now);
        let capUntil: Date | null = null;
        if (sent.day >= caps.perDay && sent.oldestDay) capUntil = new Date(sent.oldestDay.getTime() + 86_400_000);
        else if (sent.hour >= caps.perHour && sent.oldestHour)
          capUntil = new Date(sent.oldestHour.getTime() + 3_600_000);
        if (capUntil) {
          await savePacing(tx, instanceId, { ...pacing, nextSendAt: capUntil });
          return { wait: capUntil, reason: "cap" };
        }
        // The campaign's checks for this person, at pick time (the write step checks again): no reply since
        // planning with stop-on-reply (the campaign is running with this number active: the pick's own query).
        const { replied, contact } = await personForSend(tx, {
          orgId: c.orgId,
          phone: c.recipientPhone,
          lid: c.recipientLid,
          since: c.createdAt,
          stopOnReply: c.stopOnReply,
          contactId: c.contactId,
        });
        if (replied) {
          await skipQueued(tx, c.id, "replied");
          continue;
        }
        const random = seededRandom(`${c.campaignId}:${c.contactId ?? c.recipientPhone}`);
        const text = renderTemplate(c.body, contact ?? { phone: c.recipientPhone ?? "" }, random).text.trim();
        if (text.length === 0) {
          await skipQueued(tx, c.id, "empty_text");
          continue;
        }
        // Claimed by nobody else (moved to another number or cancelled since the query: the next candidate).
        const claimed = await claimForSend(tx, { instanceId, messageId: c.id });
        if (!claimed) continue;
        const { block, ...work } = claimed;
        // What is sent is what is stored.
        if (text !== work.body) {
          await setRenderedBody(tx, work.id, text);
          work.body = text;
        }
        // The slot: typing (proportional to the text as this person gets it), then the drawn gap (or a break).
        const breakAfter = pacing.breakAfter > 0 ? pacing.breakAfter : drawBreakAfter(s.pacing);
        const gap = nextGap(s.pacing, pacing.sendsSinceBreak + 1, breakAfter);
        const typingMs = typingTime(text, s.pacing);
        // Held while this message is in flight (a number sends one message at a time, whatever the lookup and
        // typing take); set to the write + the gap once it is written. A crash leaves the hold to expire.
        await savePacing(tx, instanceId, {
          nextSendAt: new Date(now.getTime() + typingMs + gap.gapMs + IN_FLIGHT_HOLD_MS),
          sendsSinceBreak: gap.isBreak ? 0 : pacing.sendsSinceBreak + 1,
          breakAfter: gap.isBreak ? drawBreakAfter(s.pacing) : breakAfter,
          sent: true,
        });
        return { work: { ...work, block }, typingMs, gapMs: gap.gapMs };
      }
      // Every candidate was postponed or skipped: look again at once.
      return { wait: now, reason: "stepped_over" };
    });

    if ("wait" in pick) return { next: pick.wait, outcome: { outcome: "waiting", reason: pick.reason } };

    const { block, ...work } = pick.work;
    if (pick.typingMs <= 0) {
      const outcome = await sender.deliver(
        work,
        { guard: pickedGuard, notOnWhatsApp: "skip", typingMs: 0 },
        { block: block ?? undefined },
      );
      return settle(instanceId, outcome, pick.gapMs);
    }
    // "typing…" is a step of the chain: shown now, the write is its own delayed job (nothing sleeps in a job).
    const composing = await sender.compose(work, { guard: pickedGuard, notOnWhatsApp: "skip" });
    if (composing.outcome !== "composing") return settle(instanceId, composing, pick.gapMs);
    return {
      next: null,
      outcome: composing,
      write: { at: new Date(Date.now() + pick.typingMs), messageId: work.id, gapMs: pick.gapMs },
    };
  }

  return { step, write };
}

export type ChainStep = ReturnType<typeof createChainStep>;
