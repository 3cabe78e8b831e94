import type { TCampaign } from "@mirage/contracts/campaigns";
import type { CampaignRow } from "@mirage/db/campaigns";
import { settingsOf } from "./engine.ts";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The API's view of a campaign row (defaults applied to the stored settings). */
export function toCampaignDto(c: CampaignRow): TCampaign {
  const s = settingsOf(c);
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    status: c.status,
    statusReason: c.statusReason,
    templateId: c.templateId,
    audience: { listIds: c.listIds, segmentIds: c.segmentIds },
    senderIds: c.senderIds,
    timezone: c.timezone,
    startsAt: iso(c.startsAt),
    endsAt: iso(c.endsAt),
    schedule: s.schedule,
    quietHours: s.quietHours,
    skipHolidays: c.skipHolidays,
    pacing: s.pacing,
    caps: s.caps,
    stopOnReply: c.stopOnReply,
    errorThreshold: c.errorThreshold,
    startedAt: iso(c.startedAt),
    finishedAt: iso(c.finishedAt),
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}
