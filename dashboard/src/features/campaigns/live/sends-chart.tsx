"use client";

import { useFormatter } from "next-intl";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

/**
 * Messages sent per hour (the last 24 hours), as bars, on the campaign's clock (`timeZone`, IANA). Loaded lazily:
 * recharts is not in the first load.
 */
export default function SendsChart({
  points,
  label,
  timeZone,
}: {
  points: { hour: string; sent: number }[];
  label: string;
  timeZone: string;
}) {
  const format = useFormatter();
  const data = points.map((p) => ({ t: Date.parse(p.hour), sent: p.sent }));
  return (
    <figure aria-label={label} className="h-56 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ left: -16, right: 8, top: 8 }}>
          <CartesianGrid strokeDasharray="3 3" className="stroke-border" vertical={false} />
          <XAxis
            dataKey="t"
            tickFormatter={(v: number) =>
              format.dateTime(new Date(v), { hour: "2-digit", minute: "2-digit", timeZone })
            }
            className="text-xs"
          />
          <YAxis allowDecimals={false} className="text-xs" />
          <Tooltip
            labelFormatter={(v) =>
              format.dateTime(new Date(Number(v)), { dateStyle: "short", timeStyle: "short", timeZone })
            }
            contentStyle={{
              background: "var(--popover)",
              border: "1px solid var(--border)",
              color: "var(--foreground)",
            }}
          />
          <Bar dataKey="sent" fill="var(--primary)" radius={[3, 3, 0, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
