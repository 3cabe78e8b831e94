import {
  capReachedUntil,
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
import { asServiceBatched, type Batched } from "@mirage/db/batched-tx";
import { findSendBlock } from "@mirage/db/messaging-settings";
import {
  type CapsInfo,
  type ChainCandidate,
  claimedCampaignMessage,
  holidaySet,
  nextDueAt,
  postpone,
  postponeCampaignOnSender,
  setRenderedBody,
  skipQueued,
} from "@mirage/db/outreach";
import { readForStep, reserveSlotIfClaimed, settlePacing } from "@mirage/db/outreach-step";
import { claimForSend, type SendBlock, type SendWork } from "@mirage/db/send-claims";
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
  /**
   * The number's next slot, not yet stored (a step asked to `deferSettle`): the caller hands it to the next step
   * (`carry`), which stores it in its own transaction, or stores it with `flush`.
   */
  pending?: PendingSettle;
};

/** A settle not yet stored: the number's next slot, and whether a message was written (see `settlePacing`). */
export type PendingSettle = { instanceId: string; next: Date; written: boolean };

/** How a step runs inside a run of back-to-back steps (zero gaps): see `StepResult.pending`. */
export type StepOptions = { carry?: PendingSettle; deferSettle?: boolean };

/** A message the pick claimed, rendered for its recipient, with the blacklist/consent verdict of the claim. */
type ClaimedWork = SendWork & { block: SendBlock | null };

// Stored settings were validated by the API; a row written otherwise (seed, hand edit) falls back to defaults.
const or = <T>(schema: { safeParse(v: unknown): { success: boolean; data?: T } }, v: unknown): T =>
  (schema.safeParse(v ?? {}).data ?? schema.safeParse({}).data) as T;
const parseSettings = (c: ChainCandidate) => ({
  pacing: or<TPacing>(ZPacing, c.pacing),
  caps: or<TCaps>(ZCaps, c.caps),
  schedule: or<TCampaignSchedule>(ZCampaignSchedule, c.schedule),
  quietHours: c.quietHours?.start && c.quietHours.end ? { start: c.quietHours.start, end: c.quietHours.end } : null,
});
type Settings = ReturnType<typeof parseSettings>;

/** Candidates read per step: a few, so recipients whose window is closed are stepped over in one pass. */
const CANDIDATES = 4;

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
  const capsCache = new Map<string, { at: number; info: CapsInfo }>();
  const cachedCaps = (instanceId: string) => {
    const hit = capsCache.get(instanceId);
    return hit && Date.now() - hit.at < CAPS_INFO_TTL_MS ? hit.info : undefined;
  };
  // A campaign's stored settings, parsed once per version (keyed by the stored JSON) instead of on every step.
  const settingsCache = new Map<string, { key: string; value: Settings }>();
  const settings = (c: ChainCandidate): Settings => {
    const key = JSON.stringify([c.pacing, c.caps, c.schedule, c.quietHours]);
    const hit = settingsCache.get(c.campaignId);
    if (hit?.key === key) return hit.value;
    const value = parseSettings(c);
    if (settingsCache.size > 1_000) settingsCache.clear();
    settingsCache.set(c.campaignId, { key, value });
    return value;
  };

  /** The campaign's checks were made in the pick's transaction, the same moment the row was claimed. */
  const pickedGuard: SendGuard = async () => undefined;

  /**
   * After a send attempt: the number's next slot. Written → the gap counts from the write; nothing written → the
   * reserved gap is given back and the next recipient may go now (a moment later when the number cannot send).
   */
  async function settle(
    instanceId: string,
    outcome: SendOutcome | undefined,
    gapMs: number,
    defer = false,
  ): Promise<StepResult> {
    const after = new Date();
    const written = outcome?.outcome === "sending";
    const next = written ? new Date(after.getTime() + gapMs) : after;
    const pending: PendingSettle = { instanceId, next, written };
    // One statement, one round trip (begin and commit travel with it); or none, when the next step stores it.
    if (!defer) await flush(pending);
    const result: StepResult = { next, outcome };
    if (outcome?.outcome === "sending")
      log.debug({ instanceId, messageId: outcome.messageId }, "campaign message sent");
    else if (outcome?.outcome === "deferred" && outcome.reason !== "not_hosted") {
      result.next = new Date(after.getTime() + 2_000);
    }
    return defer ? { ...result, pending } : result;
  }

  /** Stores a settle a step left pending. */
  async function flush(pending: PendingSettle): Promise<void> {
    await db.asServicePipelined((tx) => settlePacing(tx, pending.instanceId, pending.next, pending.written));
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

  async function step(instanceId: string, now = new Date(), opts: StepOptions = {}): Promise<StepResult> {
    // A number that cannot send takes no step (its chain ends here): the sweep arms it again once it can, and the
    // campaign tick hands its recipients to other numbers if it stays unable.
    const ready = sessions.canSend(instanceId);
    if (!ready.ok) {
      if (opts.carry) await flush(opts.carry);
      return { next: null, outcome: { outcome: "waiting", reason: ready.reason } };
    }
    // The previous step's settle, stored first in this step's transaction (before the lock: same row, same order).
    const carry = opts.carry?.instanceId === instanceId ? opts.carry : undefined;
    if (opts.carry && !carry) await flush(opts.carry);

    type Pick = { work: ClaimedWork; typingMs: number; gapMs: number } | { wait: Date | null; reason: string };
    // One transaction under the number's pacing lock: the recipient picked, checked for this person (stop-on-reply,
    // the text rendered for them), claimed and the slot reserved. Two round trips: the reads (with `begin`), then the
    // claim, the rendered text and the slot (with `commit`); the slot is reserved only if the claim succeeded.
    const cachedCapsInfo = cachedCaps(instanceId);
    const pick = await asServiceBatched(db, async (tx): Promise<Batched<Pick>> => {
      const read = await readForStep(tx, {
        instanceId,
        now,
        limit: CANDIDATES,
        withCapsInfo: !cachedCapsInfo,
        ...(carry ? { settle: carry } : {}),
      });
      if (read.capsInfo) capsCache.set(instanceId, { at: Date.now(), info: read.capsInfo });
      const { pacing, candidates, sent } = read;
      const capsInfo = read.capsInfo ?? cachedCapsInfo;
      if (pacing.nextSendAt.getTime() > now.getTime() + 25)
        return { value: { wait: pacing.nextSendAt, reason: "pacing" } };
      // The previous message is still being typed or written (its write job continues the chain when it runs).
      if (pacing.inFlight) return { value: { wait: new Date(now.getTime() + 2_000), reason: "in_flight" } };
      if (candidates.length === 0) {
        const at = await nextDueAt(tx, instanceId);
        return { value: { wait: at, reason: "nothing_due" } };
      }
      // Postponements and skips need no answer: they leave with the commit.
      const writes: Promise<unknown>[] = [];
      /** Campaigns found at their caps on this number in this step: their other candidates wait too. */
      const capped = new Set<string>();
      for (const c of candidates) {
        if (capped.has(c.campaignId)) continue;
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
          if (at === null || (c.endsAt && at >= c.endsAt)) writes.push(skipQueued(tx, c.id, "window_never_opens"));
          else writes.push(postpone(tx, c.id, at));
          continue;
        }
        const caps = effectiveCaps(s.caps, capsInfo ?? { hourlyCap: null, dailyCap: null, pairedAt: null }, now);
        const capUntil = capReachedUntil(caps, sent);
        if (capUntil) {
          // This campaign's caps, reached on this number: its messages here wait, in one statement. Not the
          // number's pacing slot, which every campaign on the number shares: another campaign has caps of its own,
          // and an edit of these caps (or a resume) plans the waiting messages again.
          capped.add(c.campaignId);
          writes.push(postponeCampaignOnSender(tx, { campaignId: c.campaignId, instanceId, until: capUntil }));
          continue;
        }
        // The campaign's checks for this person, at pick time (the write step checks again): no reply since
        // planning with stop-on-reply (the campaign is running with this number active: the pick's own query).
        if (c.replied) {
          writes.push(skipQueued(tx, c.id, "replied"));
          continue;
        }
        const random = seededRandom(`${c.campaignId}:${c.contactId ?? c.recipientPhone}`);
        const text = renderTemplate(c.body, c.contact ?? { phone: c.recipientPhone ?? "" }, random).text.trim();
        if (text.length === 0) {
          writes.push(skipQueued(tx, c.id, "empty_text"));
          continue;
        }
        // The slot: typing (proportional to the text as this person gets it), then the drawn gap (or a break).
        const breakAfter = pacing.breakAfter > 0 ? pacing.breakAfter : drawBreakAfter(s.pacing);
        const gap = nextGap(s.pacing, pacing.sendsSinceBreak + 1, breakAfter);
        const typingMs = typingTime(text, s.pacing);
        // Claimed by nobody else (moved to another number or cancelled since the query: nothing is reserved, and the
        // chain looks again at once). What is sent is what is stored. The slot is held while this message is in
        // flight (a number sends one message at a time, whatever the lookup and typing take); set to the write +
        // the gap once it is written. A crash leaves the hold to expire.
        const claim = claimForSend(tx, { instanceId, messageId: c.id });
        if (text !== c.body) writes.push(setRenderedBody(tx, c.id, text, instanceId));
        writes.push(
          reserveSlotIfClaimed(tx, {
            instanceId,
            messageId: c.id,
            pacing: {
              nextSendAt: new Date(now.getTime() + typingMs + gap.gapMs + IN_FLIGHT_HOLD_MS),
              sendsSinceBreak: gap.isBreak ? 0 : pacing.sendsSinceBreak + 1,
              breakAfter: gap.isBreak ? drawBreakAfter(s.pacing) : breakAfter,
            },
          }),
        );
        writes.push(claim);
        const value = claim.then((claimed): Pick => {
          if (!claimed) return { wait: now, reason: "stepped_over" };
          const { block, ...work } = claimed;
          return { work: { ...work, body: text, block }, typingMs, gapMs: gap.gapMs };
        });
        return { value, writes };
      }
      // Every candidate was postponed, skipped or capped: look again at once (at the next due ones, or none).
      return { value: { wait: now, reason: "stepped_over" }, writes };
    });

    if ("wait" in pick) return { next: pick.wait, outcome: { outcome: "waiting", reason: pick.reason } };

    const { block, ...work } = pick.work;
    if (pick.typingMs <= 0) {
      const outcome = await sender.deliver(
        work,
        { guard: pickedGuard, notOnWhatsApp: "skip", typingMs: 0 },
        { block: block ?? undefined },
      );
      return settle(instanceId, outcome, pick.gapMs, opts.deferSettle);
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

  return { step, write, flush };
}

export type ChainStep = ReturnType<typeof createChainStep>;
