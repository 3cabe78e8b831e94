/**
 * The simulator banner's lines about the demo's WhatsApp numbers. A first start suggests pairing `sales-1`; a start
 * after numbers were paired names them (they reconnect by themselves) and suggests the next free name and virtual
 * phone instead of re-pairing one that is already linked.
 */

/** What the banner needs of an instance (the API's `Instance`). */
export type DemoInstance = { name: string; phone: string | null; linkedPhone: string | null; status: string };

const DEMO_PHONE_BASE = 5511999990000;

/** The campaign `supabase/seed.sql` creates for the phone-free demo (`./mirage campaign … demo`). */
export const DEMO_CAMPAIGN_ID = "00000000-0000-4000-8000-0000000000e1";

/**
 * Banner lines (label padded to 21 columns, as the rest of the banner) for the instances of the demo organization.
 * An instance counts as paired when a number linked it (`linkedPhone`), whatever its status now.
 */
export function demoNumberLines(instances: readonly DemoInstance[], campaignStatus?: string): string[] {
  const paired = instances.filter((i) => i.linkedPhone);
  const names = new Set(instances.map((i) => i.name));
  const phones = new Set(instances.flatMap((i) => [i.phone, i.linkedPhone]).map((p) => p?.replace(/\D/g, "")));
  let n = 1;
  while (names.has(`sales-${n}`) || phones.has(String(DEMO_PHONE_BASE + n))) n++;
  const pair = `./mirage pair sales-${n} --sim-phone ${DEMO_PHONE_BASE + n}`;
  const senders = paired.length === 0 ? [`sales-${n}`] : paired.slice(0, 3).map((i) => i.name);
  const campaign = `Demo campaign        ${demoCampaignHint(campaignStatus, senders)}`;
  if (paired.length === 0) return [`Pair a demo number   ${pair}`, campaign];
  return [
    ...paired.map(
      (i, k) =>
        `${k === 0 ? "Paired numbers       " : "                     "}${i.name} ${i.linkedPhone} (${i.status})`,
    ),
    `Pair another number  ${pair}`,
    campaign,
  ];
}

/**
 * What to do with the demo campaign in the state it is in: start it (draft, scheduled or unknown), watch it, resume
 * it, or look at how it went — a finished campaign cannot be started again, and suggesting it ended in a 409.
 */
function demoCampaignHint(status: string | undefined, senders: readonly string[]): string {
  switch (status) {
    case "running":
      return "running: ./mirage campaign watch demo";
    case "paused":
      return "paused: ./mirage campaign resume demo";
    case "completed":
    case "cancelled":
      return `${status}: ./mirage campaign show demo (or make your own in the dashboard's Campaigns page)`;
    default:
      return `./mirage campaign start demo --senders ${senders.join(",")} --watch`;
  }
}

/**
 * The demo organization's instances and the demo campaign's status, read through the API at `api` (`…/api/v1`) as
 * the demo owner; undefined when the API does not answer within 5 s or refuses (the banner then falls back to the
 * first-start lines). `campaignId`: the campaign `supabase/seed.sql` creates.
 */
export async function fetchDemoState(
  api: string,
  orgId: string,
  campaignId: string,
): Promise<{ instances: DemoInstance[]; campaignStatus: string | undefined } | undefined> {
  try {
    const login = await fetch(`${api}/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "owner@demo.mirage.local", password: "mirage-demo" }),
      signal: AbortSignal.timeout(5_000),
    });
    if (!login.ok) return undefined;
    const { accessToken } = (await login.json()) as { accessToken: string };
    const get = (path: string) =>
      fetch(`${api}/orgs/${orgId}${path}`, {
        headers: { authorization: `Bearer ${accessToken}` },
        signal: AbortSignal.timeout(5_000),
      });
    const [res, campaign] = await Promise.all([get("/instances"), get(`/campaigns/${campaignId}`)]);
    if (!res.ok) return undefined;
    return {
      instances: ((await res.json()) as { items: DemoInstance[] }).items,
      campaignStatus: campaign.ok ? ((await campaign.json()) as { status?: string }).status : undefined,
    };
  } catch {
    return undefined;
  }
}
