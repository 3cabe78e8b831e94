import type { Db } from "./client.ts";

/** The enum columns /metrics reports rows by, as `table.column` (a closed list: these go into the SQL text). */
export type CountedColumn =
  | "instances.status"
  | "outbound_messages.state"
  | "webhook_deliveries.status"
  | "campaigns.status";

/** Service: rows of a table by the value of one enum column (gauges for /metrics). */
export async function countRowsBy(db: Db, counted: CountedColumn): Promise<{ value: string; count: number }[]> {
  const [table, column] = counted.split(".") as [string, string];
  return db<{ value: string; count: number }[]>`
    select ${db(column)}::text as value, count(*)::int as count from ${db(`public.${table}`)} group by 1`;
}

/**
 * Service: messages of active (running or paused) campaigns by sending number and state — the engine's per-sender
 * view for /metrics. Bounded by the number of instances × states.
 */
export async function activeCampaignMessagesBySender(
  db: Db,
): Promise<{ instanceId: string; state: string; count: number }[]> {
  return db<{ instanceId: string; state: string; count: number }[]>`
    select o.instance_id::text as "instanceId", o.state::text as state, count(*)::int as count
    from public.outbound_messages o join public.campaigns c on c.id = o.campaign_id
    where c.status in ('running', 'paused') and o.instance_id is not null
    group by 1, 2`;
}
