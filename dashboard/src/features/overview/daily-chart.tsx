"use client";

import type { TDailyStatsDay } from "@mirage/contracts/stats";
import { useFormatter } from "next-intl";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { seriesOrder } from "./legend-order";

export type Series = { key: keyof Omit<TDailyStatsDay, "day">; label: string; color: string };

/** Messages per day, one bar group per day (loaded on its own: recharts is not needed to render the page). */
export default function DailyChart({
  days,
  series,
  label,
}: {
  days: TDailyStatsDay[];
  series: Series[];
  label: string;
}) {
  const format = useFormatter();
  const dayLabel = (day: string) =>
    format.dateTime(new Date(`${day}T12:00:00Z`), { day: "numeric", month: "short", timeZone: "UTC" });
  return (
    <figure aria-label={label} className="h-72 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={days} margin={{ left: -16, right: 8, top: 8 }}>
          <CartesianGrid strokeDasharray="3 3" className="stroke-border" vertical={false} />
          <XAxis dataKey="day" tickFormatter={dayLabel} className="text-xs" />
          <YAxis allowDecimals={false} className="text-xs" />
          <Tooltip
            labelFormatter={(v) => dayLabel(String(v))}
            contentStyle={{
              background: "var(--popover)",
              border: "1px solid var(--border)",
              color: "var(--foreground)",
            }}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={seriesOrder(series.map((s) => s.key))} />
          {series.map((s) => (
            <Bar
              key={s.key}
              dataKey={s.key}
              name={s.label}
              fill={s.color}
              radius={[3, 3, 0, 0]}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
