import type { TCampaign, TPacing } from "@mirage/contracts/campaigns";
import type { TCampaignInput } from "../queries";

/** Pacing profiles offered by the wizard (ms and counts, as the API takes them). */
export const PROFILES = {
  careful: { gapMs: [60_000, 180_000], breakEvery: [10, 20], breakMs: [300_000, 900_000] },
  standard: { gapMs: [40_000, 90_000], breakEvery: [12, 18], breakMs: [180_000, 600_000] },
  brisk: { gapMs: [20_000, 45_000], breakEvery: [20, 30], breakMs: [120_000, 300_000] },
} as const;
export type ProfileName = keyof typeof PROFILES | "custom";

/** The custom profile as the form holds it: seconds (decimals allowed) and counts. */
export type CustomPace = {
  gapMin: number;
  gapMax: number;
  everyMin: number;
  everyMax: number;
  breakMin: number;
  breakMax: number;
};

export type DayWindow = { day: number; on: boolean; start: string; end: string };

export type Draft = {
  name: string;
  listIds: string[];
  segmentIds: string[];
  templateId: string | null;
  senderIds: string[];
  timezone: string;
  anyTime: boolean;
  days: DayWindow[];
  quiet: boolean;
  quietStart: string;
  quietEnd: string;
  skipHolidays: boolean;
  startsAt: string;
  endsAt: string;
  profile: ProfileName;
  custom: CustomPace;
  perHour: number;
  perDay: number;
  warmup: boolean;
  stopOnReply: boolean;
  errorThreshold: number;
};

/** `zone` when this browser knows it as an IANA time zone, else null. */
export function knownZone(zone: string | null | undefined): string | null {
  if (!zone) return null;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return zone;
  } catch {
    return null;
  }
}

// The zone as people read it: one helper for every page (lib/time-zone), re-exported for the wizard's callers.
export { zoneLabel } from "@/lib/time-zone";

const browserZone = (): string | null => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
  } catch {
    return null;
  }
};

/** The time zone a new campaign starts with: the organization's, else the browser's, else UTC. */
export function defaultZone(orgZone: string | null | undefined, browser: string | null = browserZone()): string {
  return knownZone(orgZone) ?? knownZone(browser) ?? "UTC";
}

const defaultDays = (): DayWindow[] =>
  [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, on: day <= 5, start: "09:00", end: day <= 5 ? "18:00" : "13:00" }));

/** A new campaign's form; `timezone`: see {@link defaultZone}. */
export function emptyDraft(timezone: string = defaultZone(null)): Draft {
  return {
    name: "",
    listIds: [],
    segmentIds: [],
    templateId: null,
    senderIds: [],
    timezone,
    anyTime: false,
    days: defaultDays(),
    quiet: true,
    quietStart: "21:00",
    quietEnd: "08:00",
    skipHolidays: true,
    startsAt: "",
    endsAt: "",
    profile: "standard",
    custom: { gapMin: 40, gapMax: 90, everyMin: 12, everyMax: 18, breakMin: 180, breakMax: 600 },
    perHour: 40,
    perDay: 250,
    warmup: true,
    stopOnReply: true,
    errorThreshold: 25,
  };
}

const DAY_MS = 86_400_000;
const pad = (n: number) => String(n).padStart(2, "0");

/** The wall-clock fields of instant `ms` in `zone`. */
function wallClock(ms: number, zone: string) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { y: get("year"), mo: get("month"), d: get("day"), h: get("hour") % 24, mi: get("minute"), s: get("second") };
}

/** How far `zone`'s clock is ahead of UTC at instant `ms`, in ms. */
function offsetAt(ms: number, zone: string): number {
  const w = wallClock(ms, zone);
  return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - Math.floor(ms / 1000) * 1000;
}

const zonedToWall = (ms: number, zone: string) => {
  const w = wallClock(ms, zone);
  return `${w.y}-${pad(w.mo)}-${pad(w.d)}T${pad(w.h)}:${pad(w.mi)}`;
};

/**
 * A `datetime-local` value ("2026-12-01T09:00") read as the wall clock of `zone`, as an ISO instant; null when
 * empty or unreadable. A time skipped by a daylight-saving change moves forward by the change (as clocks do); a
 * repeated one is its first occurrence.
 */
export function zonedToIso(local: string, zone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!m) return null;
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  // Offsets a day either side cover any change on that day: the instant is one of these two candidates.
  const before = asUtc - offsetAt(asUtc - DAY_MS, zone);
  const after = asUtc - offsetAt(asUtc + DAY_MS, zone);
  const wanted = local.slice(0, 16);
  const match = [Math.min(before, after), Math.max(before, after)].find((ms) => zonedToWall(ms, zone) === wanted);
  return new Date(match ?? before).toISOString();
}

/** An ISO instant as a `datetime-local` value on `zone`'s wall clock ("" for none). */
export function isoToZoned(iso: string | null, zone: string): string {
  if (!iso) return "";
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? "" : zonedToWall(ms, zone);
}

function profileOf(p: TPacing): { profile: ProfileName; custom: CustomPace } {
  const custom = {
    gapMin: p.gapMs.min / 1000,
    gapMax: p.gapMs.max / 1000,
    everyMin: p.breakEvery.min,
    everyMax: p.breakEvery.max,
    breakMin: p.breakMs.min / 1000,
    breakMax: p.breakMs.max / 1000,
  };
  for (const [name, v] of Object.entries(PROFILES)) {
    if (
      v.gapMs[0] === p.gapMs.min &&
      v.gapMs[1] === p.gapMs.max &&
      v.breakEvery[0] === p.breakEvery.min &&
      v.breakEvery[1] === p.breakEvery.max &&
      v.breakMs[0] === p.breakMs.min &&
      v.breakMs[1] === p.breakMs.max
    )
      return { profile: name as ProfileName, custom };
  }
  return { profile: "custom", custom };
}

/** The wizard's form for a saved campaign. */
export function draftOf(c: TCampaign): Draft {
  const days = defaultDays().map((d) => {
    const w = c.schedule.windows.find((x) => x.days.includes(d.day));
    return w ? { day: d.day, on: true, start: w.start, end: w.end } : { ...d, on: false };
  });
  return {
    name: c.name,
    listIds: c.audience.listIds,
    segmentIds: c.audience.segmentIds,
    templateId: c.templateId,
    senderIds: c.senderIds,
    timezone: c.timezone,
    anyTime: c.schedule.windows.length === 0,
    days: c.schedule.windows.length === 0 ? defaultDays() : days,
    quiet: c.quietHours !== null,
    quietStart: c.quietHours?.start ?? "21:00",
    quietEnd: c.quietHours?.end ?? "08:00",
    skipHolidays: c.skipHolidays,
    // Start and end are shown and edited on the campaign zone's clock, like its send windows.
    startsAt: isoToZoned(c.startsAt, c.timezone),
    endsAt: isoToZoned(c.endsAt, c.timezone),
    ...profileOf(c.pacing),
    perHour: c.caps.perHour,
    perDay: c.caps.perDay,
    warmup: c.caps.warmup,
    stopOnReply: c.stopOnReply,
    errorThreshold: c.errorThreshold,
  };
}

/** The pacing the draft stands for, in the API's units (ms). */
export function pacingOf(d: Draft): TPacing {
  const range = (a: number, b: number) => ({ min: Math.round(Math.min(a, b)), max: Math.round(Math.max(a, b)) });
  if (d.profile !== "custom") {
    const p = PROFILES[d.profile];
    return {
      gapMs: range(p.gapMs[0], p.gapMs[1]),
      breakEvery: range(p.breakEvery[0], p.breakEvery[1]),
      breakMs: range(p.breakMs[0], p.breakMs[1]),
      typingMsPerChar: 35,
      typingMs: { min: 1_000, max: 8_000 },
    };
  }
  const c = d.custom;
  const gap = range(c.gapMin * 1000, c.gapMax * 1000);
  // A profile faster than a few seconds (tests, demos) types briefly too, or typing would dominate the gaps.
  const quick = gap.max < 10_000;
  return {
    gapMs: gap,
    breakEvery: range(Math.max(1, c.everyMin), Math.max(1, c.everyMax)),
    breakMs: range(c.breakMin * 1000, c.breakMax * 1000),
    typingMsPerChar: quick ? 1 : 35,
    typingMs: quick ? { min: Math.min(gap.min, 100), max: Math.min(gap.max, 300) } : { min: 1_000, max: 8_000 },
  };
}

/** The request body for the draft. */
export function requestOf(d: Draft): TCampaignInput {
  const windows = d.anyTime
    ? []
    : d.days.filter((x) => x.on).map((x) => ({ days: [x.day], start: x.start, end: x.end }));
  return {
    name: d.name.trim(),
    templateId: d.templateId,
    audience: { listIds: d.listIds, segmentIds: d.segmentIds },
    senderIds: d.senderIds,
    timezone: d.timezone,
    startsAt: zonedToIso(d.startsAt, d.timezone),
    endsAt: zonedToIso(d.endsAt, d.timezone),
    schedule: { windows },
    quietHours: d.quiet ? { start: d.quietStart, end: d.quietEnd } : null,
    skipHolidays: d.skipHolidays,
    pacing: pacingOf(d),
    caps: { perHour: d.perHour, perDay: d.perDay, warmup: d.warmup },
    stopOnReply: d.stopOnReply,
    errorThreshold: d.errorThreshold,
  };
}
