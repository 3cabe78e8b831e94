/**
 * Campaigns from a terminal, through the public API (like any other client):
 *
 *   ./mirage campaign list
 *   ./mirage campaign show <campaign>
 *   ./mirage campaign dry-run <campaign> [--senders sales-1,sales-2] [--count 10]
 *   ./mirage campaign start <campaign> [--senders sales-1,sales-2] [--now] [--watch]
 *   ./mirage campaign pause|resume|cancel <campaign>
 *   ./mirage campaign watch <campaign> [--every 2]
 *   (every command also takes --org <slug|id> and --url <api>)
 *
 * <campaign>: its id, its name, or `demo` (the campaign the phone-free demo seeds). `--senders` names the numbers
 * (instance names or ids) that send it, replacing its pool, before it starts or is dry-run (a campaign without a
 * number plans nobody). `watch` prints the progress whenever it
 * changes and returns once the campaign completes, is cancelled or pauses. Addresses and credentials as every
 * terminal command (api-client.ts); an API key needs the `campaigns` scope (and `instances` to name senders).
 */
import { createApiClient, die, fail, type Json } from "./api-client.ts";
import { parseCommandLine } from "./cli-args.ts";
import { nextSendTime } from "./next-send-time.ts";
import { DEMO_CAMPAIGN_ID } from "./stack/demo-numbers.ts";

const USAGE =
  "usage: ./mirage campaign <list | show | dry-run | start | pause | resume | cancel | watch> [<campaign>] " +
  "[--senders a,b] [--now] [--watch] [--count N] [--every seconds] [--org <slug|id>] [--url <api>]";
const COMMANDS = ["list", "show", "dry-run", "start", "pause", "resume", "cancel", "watch"] as const;
type Command = (typeof COMMANDS)[number];
/** States a campaign's rows end in, in the order progress lines show them. */
const SHOWN = ["sent", "delivered", "read", "replied", "failed", "skipped", "unknown", "cancelled"] as const;

const { values, positionals } = parseCommandLine(
  {
    org: { type: "string" },
    url: { type: "string" },
    senders: { type: "string" },
    now: { type: "boolean", default: false },
    watch: { type: "boolean", default: false },
    count: { type: "string", default: "10" },
    every: { type: "string", default: "2" },
  },
  USAGE,
);
const command = positionals[0] as Command | undefined;
if (!command || !COMMANDS.includes(command) || (command !== "list" && !positionals[1])) {
  console.error(USAGE);
  process.exit(2);
}
const count = Number(values.count);
const every = Number(values.every);
if (!Number.isInteger(count) || count < 1 || count > 200) die("--count takes a whole number from 1 to 200");
if (!Number.isFinite(every) || every < 0.2) die("--every takes seconds, at least 0.2");

/** The campaign as typed, quoted when the shell would split it, for the commands the hints suggest. */
const ref = /[^\w.-]/.test(positionals[1] ?? "")
  ? `'${String(positionals[1]).replace(/'/g, "'\\''")}'`
  : positionals[1];

const client = createApiClient({ url: values.url });
await client.login();
const orgId = await client.resolveOrg(values.org);
const base = `/orgs/${orgId}/campaigns`;

async function ok(what: string, method: string, route: string, body?: unknown): Promise<Json> {
  const r = await client.call(method, route, body);
  if (r.status < 200 || r.status > 299) {
    // A refusal with reasons (e.g. a campaign that cannot start) lists each of them.
    const errors = (r.json.errors as { path?: string; message?: string }[] | undefined) ?? [];
    if (errors.length > 1)
      die(
        `${what}: HTTP ${r.status} ${String(r.json.code ?? "")}\n${errors.map((e) => `  - ${e.message}`).join("\n")}`,
      );
    fail(what, r);
  }
  return r.json;
}

/** The campaign named by `ref` (id, name, or `demo`); exits when there is none or the name is ambiguous. */
async function findCampaign(ref: string): Promise<Json> {
  const id = ref === "demo" ? DEMO_CAMPAIGN_ID : ref;
  if (/^[0-9a-f-]{36}$/i.test(id)) {
    const r = await client.call("GET", `${base}/${id}`);
    if (r.status === 200) return r.json;
    if (r.status !== 404) fail(`could not read campaign ${ref}`, r);
    if (ref === "demo")
      die("the demo campaign is not in this organization (it is seeded by ./mirage start --simulator)");
  }
  const all = (await ok("could not list campaigns", "GET", base)).items as Json[];
  const named = all.filter((x) => String(x.name).toLowerCase() === ref.toLowerCase());
  if (named.length === 1) return named[0] as Json;
  if (named.length > 1) die(`${named.length} campaigns are named "${ref}": use the id (./mirage campaign list)`);
  return die(`no campaign "${ref}" (./mirage campaign list shows them)`);
}

/** Instances by id, for naming senders. */
async function instances(): Promise<Map<string, Json>> {
  const r = await ok("could not list instances", "GET", `/orgs/${orgId}/instances`);
  return new Map((r.items as Json[]).map((i) => [String(i.id), i]));
}

/** The dry run's `blockedReason`s and the stats' `nextSendHeldBy` in words (ZDryRun, ZNextSendHeldBy in packages/contracts). */
const HELD: Record<string, string> = {
  cap: "its number reached this campaign's caps",
  outside_window: "outside the send window",
  quiet_hours: "quiet hours",
  holiday: "a holiday",
  window_never_opens: "its send window never opens",
  blacklisted: "blacklisted",
  opted_out: "opted out",
};
/** Statuses in which a sender's next slot is still ahead (a paused or finished campaign sends nothing). */
const SENDING = new Set(["running", "scheduled"]);
/** A campaign's statusReason in words, as the dashboard says it (dashboard/src/features/campaigns/status-reason.ts). */
const REASONS: Record<string, string> = {
  no_healthy_sender: "no number is healthy enough to send; it resumes by itself when one recovers",
  error_threshold: "too many failed sends: check the numbers before resuming",
  ended: "its end time passed",
  waiting_for_sender: "waiting for a number to connect",
  template_missing: "its template was deleted before it started",
};
function reasonInWords(reason: string): string | null {
  if (reason === "done") return null; // "completed" says it
  if (reason === "user") return "by a team member";
  if (reason.startsWith("user: ")) return `by a team member: ${reason.slice(6)}`;
  return REASONS[reason] ?? reason;
}
const statusLine = (c: Json) => {
  const why = c.statusReason ? reasonInWords(String(c.statusReason)) : null;
  return `${String(c.status)}${why ? ` (${why})` : ""}`;
};

/** `12/20 done: sent 3, delivered 8, read 1, skipped 1 (not_on_whatsapp 1)` — zero counts left out. */
function progressLine(stats: Json): string {
  const counts = stats.counts as Record<string, number>;
  const total = Number(stats.total);
  const done = total - (counts.queued ?? 0) - (counts.sending ?? 0);
  const parts = SHOWN.filter((s) => (counts[s] ?? 0) > 0).map((s) => `${s} ${counts[s]}`);
  const skipped = Object.entries((stats.skippedByReason as Record<string, number>) ?? {})
    .map(([reason, n]) => `${reason} ${n}`)
    .join(", ");
  const by = parts.length > 0 ? `: ${parts.join(", ")}` : "";
  return `${done}/${total} done${by}${skipped ? ` (skipped: ${skipped})` : ""}`;
}

async function show(c: Json): Promise<void> {
  const stats = await ok("could not read the campaign's counts", "GET", `${base}/${String(c.id)}/stats`);
  const byId = await instances();
  console.log(`${String(c.name)} (${String(c.id)}): ${statusLine(stats)}`);
  console.log(`  ${progressLine(stats)}`);
  const senders = stats.senders as Json[];
  if ((c.senderIds as string[]).length === 0)
    console.log(`  no sender yet (./mirage campaign start ${ref} --senders <instance names>)`);
  for (const id of c.senderIds as string[]) {
    const s = senders.find((x) => x.instanceId === id);
    const inst = byId.get(id);
    const who = inst ? `${String(inst.name)} (${[inst.phone, inst.status].filter(Boolean).join(", ")})` : id;
    if (!s) {
      console.log(`  sender ${who}: in the pool`);
      continue;
    }
    const counts = s.counts as Record<string, number>;
    const sent = (counts.sent ?? 0) + (counts.delivered ?? 0) + (counts.read ?? 0);
    const state = s.active ? "active" : `inactive (${String(s.reason ?? "")})`;
    const next =
      SENDING.has(String(stats.status)) && s.nextSendAt
        ? `, next send ${nextSendTime(s.nextSendAt, typeof c.timezone === "string" ? c.timezone : undefined)}${
            s.nextSendHeldBy ? ` (${HELD[String(s.nextSendHeldBy)] ?? String(s.nextSendHeldBy)})` : ""
          }`
        : "";
    console.log(`  sender ${who}: ${state}, ${sent} sent${next}`);
  }
}

/** Prints progress whenever it changes; returns once the campaign completes, is cancelled or pauses. */
async function watch(c: Json): Promise<void> {
  let last = "";
  // On the campaign's clock, as dry-run and show print times (the machine's zone may be another).
  const clock = new Intl.DateTimeFormat("en-GB", {
    timeStyle: "medium",
    ...(typeof c.timezone === "string" ? { timeZone: c.timezone } : {}),
  });
  for (;;) {
    const stats = await ok("could not read the campaign's counts", "GET", `${base}/${String(c.id)}/stats`);
    const line = `${statusLine(stats)} — ${progressLine(stats)}`;
    if (line !== last) console.log(`${clock.format(new Date())} ${line}`);
    last = line;
    const status = String(stats.status);
    if (status === "completed" || status === "cancelled") return;
    if (status === "paused") {
      console.log(`paused: ./mirage campaign resume ${ref} continues it`);
      return;
    }
    await new Promise((r) => setTimeout(r, every * 1000));
  }
}

if (command === "list") {
  const all = (await ok("could not list campaigns", "GET", base)).items as Json[];
  if (all.length === 0) console.log("no campaigns");
  for (const c of all) console.log(`${String(c.id)}  ${statusLine(c).padEnd(12)}  ${String(c.name)}`);
  process.exit(0);
}

let campaign = await findCampaign(positionals[1] as string);
const route = `${base}/${String(campaign.id)}`;

/** Replaces the campaign's sender pool with the numbers named in `--senders` (instance names or ids). */
async function setSenders(list: string): Promise<Json> {
  const byId = await instances();
  const senderIds = list.split(",").map((name) => {
    const wanted = name.trim();
    const hit = [...byId.values()].find((i) => i.id === wanted || i.name === wanted);
    if (!hit) die(`no instance "${wanted}" (./mirage pair ${wanted} creates and pairs one)`);
    return String(hit.id);
  });
  return ok("could not set the senders", "PATCH", route, { senderIds });
}
switch (command) {
  case "show":
    await show(campaign);
    break;
  case "dry-run": {
    if (values.senders) campaign = await setSenders(values.senders);
    if ((campaign.senderIds as string[]).length === 0) {
      // Planning needs a number to send from: the dry run of a campaign without one is empty, which read as
      // "0 recipients" for the seeded demo's 20 contacts.
      console.log(
        `${String(campaign.name)}: nobody is planned yet, it has no sender number. Name them (they stay its senders):\n` +
          `  ./mirage campaign dry-run ${ref} --senders <instance names>`,
      );
      break;
    }
    const plan = await ok("dry run refused", "POST", `${route}/dry-run`, { count });
    const byId = await instances();
    const items = plan.items as Json[];
    const unstored = plan.planned ? "" : " (computed now, not stored: the campaign has not started)";
    // On the campaign's clock, named, as `show` gives its next send: the machine's zone may be another.
    const zone = typeof campaign.timezone === "string" ? campaign.timezone : undefined;
    const clock = new Intl.DateTimeFormat("en-US", {
      dateStyle: "short",
      timeStyle: "medium",
      ...(zone ? { timeZone: zone } : {}),
    });
    console.log(
      `${String(campaign.name)}: ${String(plan.total)} recipients${unstored}` +
        (items.length > 0 ? `; the next ${items.length}${zone ? ` (times in ${zone.replace(/_/g, " ")})` : ""}:` : ""),
    );
    if (items.length === 0) console.log("  nothing left to send");
    for (const item of items) {
      const from = byId.get(String(item.instanceId));
      // A held send still has its time (it waits); one that will never go has none.
      const why = item.blockedReason ? (HELD[String(item.blockedReason)] ?? String(item.blockedReason)) : "";
      const when = item.at
        ? `${clock.format(new Date(String(item.at)))}${why ? ` (waits: ${why})` : ""}`
        : `never: ${why || "no time"}`;
      const to = item.contactName ? `${String(item.contactName)} (${String(item.phone)})` : String(item.phone);
      console.log(`  ${when}  ${from ? String(from.name) : String(item.instanceId)} → ${to}: ${String(item.text)}`);
    }
    break;
  }
  case "start": {
    if (values.senders) campaign = await setSenders(values.senders);
    campaign = await ok("the campaign cannot start", "POST", `${route}/start`, { now: values.now });
    console.log(`${String(campaign.name)}: ${statusLine(campaign)}`);
    if (values.watch) await watch(campaign);
    break;
  }
  case "pause":
  case "resume":
  case "cancel": {
    campaign = await ok(`could not ${command} the campaign`, "POST", `${route}/${command}`, {});
    console.log(`${String(campaign.name)}: ${statusLine(campaign)}`);
    break;
  }
  case "watch":
    await watch(campaign);
    break;
}
