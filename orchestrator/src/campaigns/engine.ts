import { nationalHolidays, windowEverOpens } from "@mirage/campaign-rules";
import type { ZStartRefusal } from "@mirage/contracts/campaign-checks";
import {
  type TCampaignSchedule,
  type TCaps,
  type TPacing,
  type TQuietHours,
  ZCampaignSchedule,
  ZCaps,
  ZPacing,
} from "@mirage/contracts/campaigns";
import type { Database, Tx } from "@mirage/db";
import { DEFAULT_FAILOVER_TIMINGS, type FailoverTimings, failOverSenders } from "@mirage/db/campaign-failover";
import { campaignProgress, cancelQueued, countAudience, planCampaign, replanTimes } from "@mirage/db/campaign-planning";
import { shareWithSender } from "@mirage/db/campaign-senders";
import {
  activeCampaignIds,
  type CampaignRow,
  dueCampaignIds,
  findCampaignById,
  holdSendersUntil,
  listCampaignSenders,
  organizationCountry,
  seedHolidays,
  setStatusReason,
  snapshotTemplate,
  transitionCampaign,
} from "@mirage/db/campaigns";
import { customFieldKeys } from "@mirage/db/contacts";
import { findSegment } from "@mirage/db/segments";
import { findTemplate } from "@mirage/db/templates";
import type { Logger } from "@mirage/logger";
import { analyzeTemplate } from "@mirage/templates";
import type { z } from "zod";

export type StartRefusal = { code: z.infer<typeof ZStartRefusal>; message: string };

/** A campaign's stored settings with every default applied. */
export function settingsOf(c: Pick<CampaignRow, "pacing" | "caps" | "schedule" | "quietHours">): {
  pacing: TPacing;
  caps: TCaps;
  schedule: TCampaignSchedule;
  quietHours: TQuietHours | null;
} {
  const q = c.quietHours ?? {};
  // Stored settings were validated by the API; a row written otherwise (seed, hand edit) falls back to defaults.
  const or = <T>(schema: { safeParse(v: unknown): { success: boolean; data?: T } }, v: unknown): T =>
    (schema.safeParse(v ?? {}).data ?? schema.safeParse({}).data) as T;
  return {
    pacing: or<TPacing>(ZPacing, c.pacing),
    caps: or<TCaps>(ZCaps, c.caps),
    schedule: or<TCampaignSchedule>(ZCampaignSchedule, c.schedule),
    quietHours: q.start && q.end ? { start: q.start, end: q.end } : null,
  };
}

/**
 * How far apart a number's planned messages are, ms: the shortest a profile allows between two sends (its least gap
 * and least typing). A plan gives each message its earliest time, and the pacing drawn at send time decides the real
 * one; planned by the profile's mean instead (breaks averaged in), the earliest times held the chain back to an even
 * beat slower than the profile — a campaign set to 2–5 s between messages sent one every ~30 s.
 */
export function earliestSpacingMs(p: TPacing): number {
  return Math.round(p.gapMs.min + p.typingMs.min);
}

async function segmentFilters(tx: Tx, c: CampaignRow) {
  const rows = await Promise.all(c.segmentIds.map((id) => findSegment(tx, c.orgId, id)));
  return rows.filter((s) => s !== undefined).map((s) => s.filter);
}

/**
 * Why a campaign cannot start, every reason that applies (empty when it can): an empty audience, no template or
 * one with a variable no contact has, no sender or none connected, windows that never open, an end before the
 * start or already past. Runs in the caller's transaction (RLS applies).
 */
export async function startRefusals(tx: Tx, c: CampaignRow, now: Date): Promise<StartRefusal[]> {
  const out: StartRefusal[] = [];
  const s = settingsOf(c);
  const audience = await countAudience(tx, {
    orgId: c.orgId,
    listIds: c.listIds,
    segments: await segmentFilters(tx, c),
  });
  if (audience === 0) out.push({ code: "empty_audience", message: "the audience (lists and segments) is empty" });
  const template = c.templateId ? await findTemplate(tx, c.orgId, c.templateId) : undefined;
  if (!template) out.push({ code: "no_template", message: "the campaign has no template" });
  else {
    const analysis = analyzeTemplate([template.body, ...template.variations], {
      knownFields: await customFieldKeys(tx, c.orgId),
    });
    for (const w of analysis.warnings.filter((x) => x.code === "unknown_variable")) {
      out.push({ code: "unknown_variable", message: w.message });
    }
  }
  const senders = await listCampaignSenders(tx, c.id);
  if (senders.length === 0) out.push({ code: "no_sender", message: "the campaign has no sender number" });
  else if (!senders.some((x) => x.status === "connected")) {
    out.push({ code: "no_connected_sender", message: "none of the campaign's numbers is connected" });
  }
  const from = c.startsAt && c.startsAt > now ? c.startsAt : now;
  if (!windowEverOpens(from, c.timezone, s.schedule, s.quietHours)) {
    out.push({ code: "window_never_opens", message: "the send windows and quiet hours leave no time to send" });
  }
  if (c.endsAt && c.startsAt && c.endsAt <= c.startsAt) {
    out.push({ code: "ends_before_start", message: "the end is before the start" });
  } else if (c.endsAt && c.endsAt <= now) {
    out.push({ code: "already_ended", message: "the end date has passed" });
  }
  return out;
}

export type CampaignEngine = ReturnType<typeof createCampaignEngine>;

/**
 * The orchestrator's side of the engine: activation (snapshot and plan), pause, resume, cancel, and the tick that
 * keeps running campaigns right (failover, error threshold, end date, completion). Everything is a conditional
 * update of the campaign row under its lock, so duplicated or concurrent ticks (several orchestrators) are harmless.
 */
export function createCampaignEngine(deps: {
  db: Database;
  logger: Logger;
  /** Called after a tick with each running campaign's counts (throttled by the tick's period). */
  onProgress?: (orgId: string, campaignId: string, status: string) => Promise<void>;
  /** When a stopped sender's recipients and in-flight messages are handed over (defaults: production). */
  failover?: Partial<FailoverTimings>;
}) {
  const { db } = deps;
  const timings: FailoverTimings = { ...DEFAULT_FAILOVER_TIMINGS, ...deps.failover };
  const log = deps.logger.child({ module: "campaign-engine" });

  /** Snapshot and plan a scheduled campaign whose time has come; answers what happened. */
  async function activate(id: string, now = new Date()): Promise<"started" | "waiting" | "skipped"> {
    return db.asService(async (tx) => {
      const c = await findCampaignById(tx, id, true);
      if (!c || (c.status !== "scheduled" && c.status !== "draft")) return "skipped";
      const senders = await listCampaignSenders(tx, id);
      if (!senders.some((x) => x.active && x.status === "connected")) {
        // Stays scheduled: it starts at the first tick after one of its numbers connects.
        await setStatusReason(tx, id, "waiting_for_sender");
        return "waiting";
      }
      await snapshotTemplate(tx, id);
      const fresh = await findCampaignById(tx, id);
      const snap = fresh?.templateSnapshot;
      if (!fresh || !snap) {
        await transitionCampaign(tx, { id, from: [c.status], to: "cancelled", reason: "template_missing" });
        return "skipped";
      }
      if (c.skipHolidays) {
        const country = (await organizationCountry(tx, c.orgId)) ?? "BR";
        const year = now.getUTCFullYear();
        await seedHolidays(tx, c.orgId, nationalHolidays(country, [year, year + 1]));
      }
      const s = settingsOf(c);
      const planned = await planCampaign(tx, {
        campaignId: id,
        orgId: c.orgId,
        listIds: c.listIds,
        segments: await segmentFilters(tx, c),
        startAt: now,
        spacingMs: earliestSpacingMs(s.pacing),
        perDayCap: s.caps.perDay,
        variants: [snap.body, ...snap.variations],
      });
      await transitionCampaign(tx, { id, from: [c.status], to: "running", reason: null });
      log.info({ campaignId: id, planned }, "campaign started");
      return "started";
    });
  }

  async function pause(id: string, reason: string): Promise<boolean> {
    return db.asService((tx) => transitionCampaign(tx, { id, from: ["running"], to: "paused", reason }));
  }

  /** Paused → running with fresh times from now (never a burst of what was due during the pause). */
  async function resume(id: string, now = new Date()): Promise<boolean> {
    return db.asService(async (tx) => {
      const c = await findCampaignById(tx, id, true);
      if (c?.status !== "paused") return false;
      await replanTimes(tx, { campaignId: id, from: now, spacingMs: earliestSpacingMs(settingsOf(c).pacing) });
      await holdSendersUntil(tx, id, now);
      return transitionCampaign(tx, { id, from: ["paused"], to: "running", reason: null });
    });
  }

  async function cancel(id: string, reason: string): Promise<boolean> {
    return db.asService(async (tx) => {
      const ok = await transitionCampaign(tx, {
        id,
        from: ["draft", "scheduled", "running", "paused"],
        to: "cancelled",
        reason,
      });
      if (ok) await cancelQueued(tx, id, "campaign_cancelled");
      return ok;
    });
  }

  /** Keeps one active campaign right; answers its status afterwards. */
  async function monitor(id: string, now: Date): Promise<{ orgId: string; status: string } | undefined> {
    return db.asService(async (tx) => {
      const c = await findCampaignById(tx, id, true);
      if (!c || (c.status !== "running" && c.status !== "paused")) return undefined;
      const done = (status: "completed" | "paused" | "running", reason: string | null) =>
        transitionCampaign(tx, { id, from: [c.status], to: status, reason }).then(() => ({ orgId: c.orgId, status }));
      if (c.endsAt && c.endsAt <= now) {
        await cancelQueued(tx, id, "campaign_ended");
        return done("completed", "ended");
      }
      if (c.status === "paused") {
        if (c.statusReason !== "no_healthy_sender") return { orgId: c.orgId, status: c.status };
        const fo = await failOverSenders(tx, id, timings);
        if (fo.healthy === 0) return { orgId: c.orgId, status: c.status };
        await replanTimes(tx, { campaignId: id, from: now, spacingMs: earliestSpacingMs(settingsOf(c).pacing) });
        log.info({ campaignId: id }, "a sender recovered; the campaign resumes");
        return done("running", null);
      }
      const fo = await failOverSenders(tx, id, timings);
      if (fo.deactivated.length > 0 || fo.released > 0 || fo.unknown > 0 || fo.moved > 0) {
        log.warn(
          { campaignId: id, senders: fo.deactivated, released: fo.released, unknown: fo.unknown, moved: fo.moved },
          "senders failed over",
        );
      }
      if (fo.healthy === 0) return done("paused", "no_healthy_sender");
      const p = await campaignProgress(tx, id, c.resumedAt);
      if (c.errorThreshold > 0 && p.failed >= c.errorThreshold) return done("paused", "error_threshold");
      if (p.open === 0) return done("completed", "done");
      return { orgId: c.orgId, status: c.status };
    });
  }

  /**
   * A running campaign's caps, windows, quiet hours or holidays were edited: what waits for the old rules (a cap
   * reached, a window closed) gets fresh times from now, as a resume does (never a burst: each number keeps its
   * pacing), and each chain checks the new rules from its next step. Answers how many messages were replanned.
   */
  async function rulesChanged(id: string, now = new Date()): Promise<number> {
    return db.asService(async (tx) => {
      const c = await findCampaignById(tx, id, true);
      if (c?.status !== "running") return 0;
      return replanTimes(tx, { campaignId: id, from: now, spacingMs: earliestSpacingMs(settingsOf(c).pacing) });
    });
  }

  /** A number joined a started campaign's pool: it takes its share of the recipients still waiting. */
  async function shareWith(id: string, instanceId: string): Promise<number> {
    return db.asService(async (tx) => {
      const c = await findCampaignById(tx, id, true);
      if (!c || (c.status !== "running" && c.status !== "paused")) return 0;
      const moved = await shareWithSender(tx, id, instanceId);
      log.info({ campaignId: id, instanceId, moved }, "a number joined the campaign");
      return moved;
    });
  }

  /** A number left a started campaign's pool (or stopped): what it held goes to the others now, not at the tick. */
  async function handOver(id: string): Promise<void> {
    await db.asService(async (tx) => {
      const c = await findCampaignById(tx, id, true);
      if (!c || (c.status !== "running" && c.status !== "paused")) return;
      await failOverSenders(tx, id, timings);
    });
  }

  let ticking: Promise<void> | undefined;
  /** Activates what is due and looks after what runs. Overlapping calls in one process share one pass. */
  function tick(now = new Date()): Promise<void> {
    ticking ??= (async () => {
      try {
        for (const id of await db.asService((tx) => dueCampaignIds(tx, now))) {
          await activate(id, now).catch((err: unknown) => log.error({ err, campaignId: id }, "activation failed"));
        }
        for (const id of await db.asService((tx) => activeCampaignIds(tx))) {
          const state = await monitor(id, now).catch((err: unknown) => {
            log.error({ err, campaignId: id }, "campaign check failed");
            return undefined;
          });
          if (state && deps.onProgress) {
            await deps
              .onProgress(state.orgId, id, state.status)
              .catch((err: unknown) => log.warn({ err, campaignId: id }, "progress not published"));
          }
        }
      } finally {
        ticking = undefined;
      }
    })();
    return ticking;
  }

  return { activate, pause, resume, cancel, tick, monitor, shareWith, handOver, rulesChanged };
}
