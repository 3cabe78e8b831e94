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
import {
  type ChainCandidate,
  campaignRunning,
  contactForRender,
  dueForInstance,
  holidaySet,
  instanceCapsInfo,
  lockPacing,
  nextDueAt,
  postpone,
  repliedSince,
  savePacing,
  sentWindowCounts,
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

/** What one step of a number's chain did, and when the chain should run next (null: nothing left to do). */
export type StepResult = { next: Date | null; outcome?: SendOutcome | { outcome: "waiting"; reason: string } };

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

  const guardFor =
    (c: ChainCandidate): SendGuard =>
    async (work) => {
      if (!(await db.asService((tx) => campaignRunning(tx, c.campaignId)))) return { defer: "not_hosted" };
      if (c.stopOnReply) {
        const replied = await db.asService((tx) =>
          repliedSince(tx, { orgId: c.orgId, phone: work.recipientPhone, lid: work.recipientLid, since: c.createdAt }),
        );
        if (replied) return { skip: "replied" };
      }
      const contact = c.contactId ? await db.asService((tx) => contactForRender(tx, c.contactId as string)) : undefined;
      const random = seededRandom(`${c.campaignId}:${c.contactId ?? c.recipientPhone}`);
      const rendered = renderTemplate(work.body, contact ?? { phone: work.recipientPhone ?? "" }, random).text.trim();
      if (rendered.length === 0) return { skip: "empty_text" };
      if (rendered !== work.body) {
        await db.asService((tx) => setRenderedBody(tx, work.id, rendered));
        work.body = rendered;
      }
      return undefined;
    };

  async function step(instanceId: string, now = new Date()): Promise<StepResult> {
    const ready = sessions.canSend(instanceId);
    if (!ready.ok && ready.reason === "not_hosted") return { next: null };
    if (!ready.ok)
      return { next: new Date(now.getTime() + 2_000), outcome: { outcome: "waiting", reason: ready.reason } };

    type Pick = { cand: ChainCandidate; typingMs: number; gapMs: number } | { wait: Date | null; reason: string };
    const pick = await db.asService(async (tx): Promise<Pick> => {
      const pacing = await lockPacing(tx, instanceId);
      if (pacing.nextSendAt.getTime() > now.getTime() + 25) return { wait: pacing.nextSendAt, reason: "pacing" };
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
        const caps = effectiveCaps(s.caps, await instanceCapsInfo(tx, instanceId), now);
        const sent = await sentWindowCounts(tx, instanceId, now);
        let capUntil: Date | null = null;
        if (sent.day >= caps.perDay && sent.oldestDay) capUntil = new Date(sent.oldestDay.getTime() + 86_400_000);
        else if (sent.hour >= caps.perHour && sent.oldestHour)
          capUntil = new Date(sent.oldestHour.getTime() + 3_600_000);
        if (capUntil) {
          await savePacing(tx, instanceId, { ...pacing, nextSendAt: capUntil });
          return { wait: capUntil, reason: "cap" };
        }
        // The slot: typing, then the drawn gap (or a break) before the number's next send.
        const breakAfter = pacing.breakAfter > 0 ? pacing.breakAfter : drawBreakAfter(s.pacing);
        const gap = nextGap(s.pacing, pacing.sendsSinceBreak + 1, breakAfter);
        const typingMs = typingTime(c.body, s.pacing);
        // Held while this message is in flight (a number sends one message at a time, whatever the lookup and
        // typing take); set to the write + the gap once it is written. A crash leaves the hold to expire.
        await savePacing(tx, instanceId, {
          nextSendAt: new Date(now.getTime() + typingMs + gap.gapMs + IN_FLIGHT_HOLD_MS),
          sendsSinceBreak: gap.isBreak ? 0 : pacing.sendsSinceBreak + 1,
          breakAfter: gap.isBreak ? drawBreakAfter(s.pacing) : breakAfter,
          sent: true,
        });
        return { cand: c, typingMs, gapMs: gap.gapMs };
      }
      // Every candidate was postponed or skipped: look again at once.
      return { wait: now, reason: "stepped_over" };
    });

    if ("wait" in pick) return { next: pick.wait, outcome: { outcome: "waiting", reason: pick.reason } };

    const outcome = await sender.sendNext(instanceId, {
      messageId: pick.cand.id,
      guard: guardFor(pick.cand),
      notOnWhatsApp: "skip",
      typingMs: pick.typingMs,
    });
    const after = new Date();
    if (outcome?.outcome !== "sending") {
      // Nothing reached WhatsApp: the reserved gap is given back, the next recipient may go now.
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
    // The gap counts from the moment the frame was written, whatever the lookup and typing took before it.
    const next = await db.asService(async (tx) => {
      const p = await lockPacing(tx, instanceId);
      const at = new Date(after.getTime() + pick.gapMs);
      await savePacing(tx, instanceId, { ...p, nextSendAt: at });
      return at;
    });
    return { next, outcome };
  }

  return { step };
}

export type ChainStep = ReturnType<typeof createChainStep>;
