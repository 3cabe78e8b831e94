import { effectiveCaps, recipientZones, type SendRules } from "@mirage/campaign-rules";
import { ZDryRun, ZDryRunRequest } from "@mirage/contracts/campaign-checks";
import { ZCampaignStats } from "@mirage/contracts/campaign-stats";
import { ZCampaignParams } from "@mirage/contracts/campaigns";
import type { Database, Tx } from "@mirage/db";
import { campaignCounts, nextQueued, planCampaign, reportRows, sentPerHour } from "@mirage/db/campaign-planning";
import { type CampaignRow, listCampaignSenders } from "@mirage/db/campaigns";
import { findSendBlock } from "@mirage/db/messaging-settings";
import { contactForRender, holidaySet, instanceCapsInfo, recentSends } from "@mirage/db/outreach";
import { findSegment } from "@mirage/db/segments";
import { findTemplate } from "@mirage/db/templates";
import { parsePhone } from "@mirage/phone";
import { renderTemplate, seededRandom } from "@mirage/templates";
import type { z } from "zod";
import { ALL_ROLES, withOrg } from "../auth/principal.ts";
import { sendCsv } from "../http/csv.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";
import { mustFindCampaign, READ } from "./campaigns.routes.ts";
import { type PacedItem, paceNumber } from "./dry-run-pace.ts";
import { earliestSpacingMs, settingsOf } from "./engine.ts";
import { campaignNextSends } from "./next-send.ts";

type DryRun = z.infer<typeof ZDryRun>;
class Rollback extends Error {
  constructor(readonly result: DryRun) {
    super("dry run");
  }
}

/**
 * Renders and times the next `count` sends of a campaign whose rows exist in `tx`: each number's sends paced as the
 * engine sends them (`paceNumber`: one at a time at the profile's average pace, numbers in parallel, held by
 * windows, quiet hours, holidays and caps), not every send a window holds at its opening.
 */
async function describeNext(tx: Tx, c: CampaignRow, count: number, planned: boolean): Promise<DryRun> {
  const s = settingsOf(c);
  const rows = await nextQueued(tx, c.id, count);
  const now = new Date();
  const items: (DryRun["items"][number] | undefined)[] = rows.map(() => undefined);
  const perNumber = new Map<string, { index: number; item: PacedItem }[]>();
  const rulesOf = new Map<string, SendRules>();
  for (const [index, r] of rows.entries()) {
    const contact = r.contactId ? await contactForRender(tx, r.contactId) : undefined;
    const random = seededRandom(`${c.id}:${r.contactId ?? r.phone}`);
    const text = renderTemplate(r.body, contact ?? { phone: r.phone }, random).text.trim();
    const base = {
      contactId: r.contactId,
      contactName: contact?.name ?? null,
      phone: r.phone,
      instanceId: r.instanceId,
      text,
      variant: r.variation,
    };
    // Blacklisted or opted out: skipped when their turn comes, never sent (the send path checks again then).
    const block = await findSendBlock(tx, { orgId: c.orgId, phone: r.phone, lid: null, contactId: r.contactId });
    if (block) {
      items[index] = { ...base, at: null, blockedReason: block };
      continue;
    }
    const parsed = parsePhone(r.phone);
    const country = parsed.ok ? (parsed.phone.country ?? null) : null;
    const zones = await recipientZones(r.phone);
    // One rules object per zone and country: the pacing remembers window searches by it.
    const key = `${country ?? ""} ${zones.join(" ")}`;
    let rules = rulesOf.get(key);
    if (!rules) {
      rules = {
        campaignZone: c.timezone,
        schedule: s.schedule,
        quietHours: s.quietHours,
        recipientZones: zones,
        holidays: c.skipHolidays ? await holidaySet(tx, c.orgId, country, now) : new Set<string>(),
      };
      rulesOf.set(key, rules);
    }
    items[index] = { ...base, at: null, blockedReason: null };
    const list = perNumber.get(r.instanceId) ?? [];
    list.push({ index, item: { due: r.scheduledAt, text, rules } });
    perNumber.set(r.instanceId, list);
  }
  for (const [instanceId, list] of perNumber) {
    const [recent, info] = await Promise.all([recentSends(tx, instanceId, now), instanceCapsInfo(tx, instanceId)]);
    const paced = paceNumber({
      items: list.map((x) => x.item),
      pacing: s.pacing,
      caps: effectiveCaps(s.caps, info, now),
      plainCaps: effectiveCaps({ ...s.caps, warmup: false }, info, now),
      slot: recent.slot,
      sent: recent.sent,
      now,
    });
    for (const [k, { index }] of list.entries()) {
      const item = items[index];
      const time = paced[k];
      if (!item || !time) continue;
      items[index] = { ...item, at: time.at?.toISOString() ?? null, blockedReason: time.reason };
    }
  }
  const { replied: _r, ...states } = (await campaignCounts(tx, c.id)).total;
  return {
    planned,
    total: Object.values(states).reduce((a, b) => a + b, 0),
    items: items.filter((x) => x !== undefined),
  };
}

/** Stats, the dry run and the CSV report. */
export function campaignInsightRoutes(deps: { db: Database }): RouteDef[] {
  const { db } = deps;
  return [
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/campaigns/:campaignId/stats",
      summary: "Counts by state (overall and per sender), skips by reason, sends per hour, each sender's next slot",
      tags: ["campaigns"],
      auth: READ,
      roles: ALL_ROLES,
      params: ZCampaignParams,
      responses: { 200: { description: "Stats", schema: ZCampaignStats } },
      async handler({ params, principal }) {
        const body = await withOrg(db, principal, params.orgId, ALL_ROLES, async (tx) => {
          const c = await mustFindCampaign(tx, params.orgId, params.campaignId);
          const counts = await campaignCounts(tx, c.id);
          const senders = await listCampaignSenders(tx, c.id);
          const next = await campaignNextSends(tx, c);
          const empty = { ...counts.total };
          for (const k of Object.keys(empty)) empty[k as keyof typeof empty] = 0;
          const { replied: _r, ...states } = counts.total;
          return {
            campaignId: c.id,
            status: c.status,
            statusReason: c.statusReason,
            total: Object.values(states).reduce((a, b) => a + b, 0),
            counts: counts.total,
            skippedByReason: Object.fromEntries(counts.skipped.map((x) => [x.reason, x.n])),
            senders: senders.map((x) => {
              const { instanceId: _i, ...per } = counts.perSender.find((p) => p.instanceId === x.instanceId) ?? {
                instanceId: x.instanceId,
                ...empty,
              };
              return {
                instanceId: x.instanceId,
                active: x.active,
                reason: x.inactiveReason,
                counts: per,
                nextSendAt: next.get(x.instanceId)?.at.toISOString() ?? null,
                nextSendHeldBy: next.get(x.instanceId)?.heldBy ?? null,
              };
            }),
            sentPerHour: (await sentPerHour(tx, c.id)).map((h) => ({ hour: h.hour.toISOString(), sent: h.sent })),
          };
        });
        return { status: 200, body };
      },
    }),
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/campaigns/:campaignId/dry-run",
      summary: "Who would receive what, from which number, when — for the next N sends, without sending",
      description:
        "For a campaign that has not started, the plan is computed as the start would (in a transaction rolled " +
        "back); one without senders plans nobody (its start check says so). Times are paced as the engine sends: " +
        "per number one at a time, at the pacing profile's average typing and gap (breaks included), numbers in " +
        "parallel, held by the caps, windows, quiet hours in the recipient's zones and holidays; the live pacing " +
        "draws the exact instants around them.",
      tags: ["campaigns"],
      auth: READ,
      roles: ALL_ROLES,
      params: ZCampaignParams,
      body: ZDryRunRequest,
      responses: { 200: { description: "The next sends", schema: ZDryRun } },
      async handler({ params, body, principal }) {
        const c = await withOrg(db, principal, params.orgId, ALL_ROLES, (tx) =>
          mustFindCampaign(tx, params.orgId, params.campaignId),
        );
        if (c.status !== "draft" && c.status !== "scheduled") {
          const out = await db.asService((tx) => describeNext(tx, c, body.count, true));
          return { status: 200, body: out };
        }
        // Not started: plan inside a transaction that is always rolled back.
        const result = await db
          .asService(async (tx) => {
            const template = c.templateId ? await findTemplate(tx, c.orgId, c.templateId) : undefined;
            if (template) {
              const segments = (await Promise.all(c.segmentIds.map((id) => findSegment(tx, c.orgId, id))))
                .filter((x) => x !== undefined)
                .map((x) => x.filter);
              const s = settingsOf(c);
              await planCampaign(tx, {
                campaignId: c.id,
                orgId: c.orgId,
                listIds: c.listIds,
                segments,
                startAt: c.startsAt && c.startsAt > new Date() ? c.startsAt : new Date(),
                spacingMs: earliestSpacingMs(s.pacing),
                perDayCap: s.caps.perDay,
                variants: [template.body, ...template.variations],
              });
            }
            throw new Rollback(await describeNext(tx, c, body.count, false));
          })
          .catch((err: unknown) => {
            if (err instanceof Rollback) return err.result;
            throw err;
          });
        return { status: 200, body: result };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/campaigns/:campaignId/report.csv",
      summary:
        "One line per recipient: number, sender, state, reason, when it was sent, delivered, read and answered, the " +
        "contact's name, the sender's name and the text",
      tags: ["campaigns"],
      auth: READ,
      roles: ALL_ROLES,
      params: ZCampaignParams,
      responses: {
        200: {
          description: "UTF-8 CSV with BOM",
          contentType: "text/csv",
          example:
            "message_id,phone,instance_id,state,reason,planned_at,sent_at,delivered_at,read_at,replied_at," +
            "contact_name,sender_name,text\r\n" +
            "1201,+5511987654321,4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a,read,,2026-11-27T12:00:00.000Z," +
            "2026-11-27T12:00:41.000Z,2026-11-27T12:00:42.000Z,2026-11-27T12:05:10.000Z,,Ana,sales-1,Oi Ana!\r\n",
        },
      },
      async handler({ params, principal }, _req, res) {
        await withOrg(db, principal, params.orgId, ALL_ROLES, async (tx) => {
          const c = await mustFindCampaign(tx, params.orgId, params.campaignId);
          async function* pages() {
            let after = 0;
            for (;;) {
              const rows = await reportRows(tx, c.id, after, 2_000);
              if (rows.length === 0) return;
              yield rows;
              after = rows[rows.length - 1]?.id ?? after;
            }
          }
          const iso = (d: Date | null) => d?.toISOString() ?? "";
          await sendCsv(
            res,
            `campaign-${c.id}.csv`,
            [
              "message_id",
              "phone",
              "instance_id",
              "state",
              "reason",
              "planned_at",
              "sent_at",
              "delivered_at",
              "read_at",
              "replied_at",
              "contact_name",
              "sender_name",
              "text",
            ],
            pages(),
            (r) => [
              r.id,
              r.phone,
              r.instanceId,
              r.state,
              r.reason,
              iso(r.scheduledAt),
              iso(r.sentAt),
              iso(r.deliveredAt),
              iso(r.readAt),
              iso(r.repliedAt),
              r.contactName,
              r.senderName,
              // What the person got, as rendered for them (the template's text until their turn came).
              r.text,
            ],
          );
        });
        return { status: 200 };
      },
    }),
  ];
}
