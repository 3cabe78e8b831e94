"use client";

import { useFormatter } from "next-intl";
import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { tickFormat, timeTicks } from "./time-ticks";

export type HealthPoint = { at: string; score: number; reasons: string[] };

/**
 * Health score (0–100) over time; the tooltip lists the reasons of each sample. The axis's ticks follow the span
 * the samples actually cover (minutes for a few minutes of them, hours over a day): see timeTicks.
 */
export default function HealthChart({ points, label }: { points: HealthPoint[]; label: string }) {
  const format = useFormatter();
  const data = points.map((p) => ({ t: Date.parse(p.at), score: p.score, reasons: p.reasons.join(", ") }));
  const times = data.map((d) => d.t);
  const axis = timeTicks(Math.min(...times), Math.max(...times));
  const tickOptions = tickFormat(axis.unit);
  return (
    <figure aria-label={label} className="h-56 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={data} margin={{ left: -16, right: 8, top: 8 }}>
          <CartesianGrid strokeDasharray="3 3" className="stroke-border" />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={["dataMin", "dataMax"]}
            ticks={axis.ticks}
            interval="preserveStartEnd"
            tickFormatter={(v: number) => format.dateTime(new Date(v), tickOptions)}
            className="text-xs"
          />
          <YAxis domain={[0, 100]} className="text-xs" />
          <Tooltip
            labelFormatter={(v) => format.dateTime(new Date(Number(v)), { dateStyle: "short", timeStyle: "medium" })}
            contentStyle={{
              background: "var(--popover)",
              border: "1px solid var(--border)",
              color: "var(--foreground)",
            }}
          />
          <Area type="monotone" dataKey="score" stroke="var(--primary)" fill="var(--primary)" fillOpacity={0.15} />
        </AreaChart>
      </ResponsiveContainer>
    </figure>
  );
}
