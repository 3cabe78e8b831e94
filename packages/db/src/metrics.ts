import type { Db } from "./client.ts";

/** The enum columns /metrics reports rows by, as `table.column` (a closed list: these go into the SQL text). */
export type CountedColumn = "instances.status" | "outbound_messages.state" | "webhook_deliveries.status";

/** Service: rows of a table by the value of one enum column (gauges for /metrics). */
export async function countRowsBy(db: Db, counted: CountedColumn): Promise<{ value: string; count: number }[]> {
  const [table, column] = counted.split(".") as [string, string];
  return db<{ value: string; count: number }[]>`
    select ${db(column)}::text as value, count(*)::int as count from ${db(`public.${table}`)} group by 1`;
}
