import type { Db } from "./client.ts";

/** Service: a campaign's status and organization, for the realtime relay. */
export async function findCampaignStatus(db: Db, id: string): Promise<{ status: string; orgId: string } | undefined> {
  const [row] = await db<{ status: string; orgId: string }[]>`
    select status, org_id as "orgId" from public.campaigns where id = ${id}`;
  return row;
}
