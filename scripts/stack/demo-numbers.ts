/**
 * The simulator banner's lines about the demo's WhatsApp numbers. A first start suggests pairing `sales-1`; a start
 * after numbers were paired names them (they reconnect by themselves) and suggests the next free name and virtual
 * phone instead of re-pairing one that is already linked.
 */

/** What the banner needs of an instance (the API's `Instance`). */
export type DemoInstance = { name: string; phone: string | null; linkedPhone: string | null; status: string };

const DEMO_PHONE_BASE = 5511999990000;

/**
 * Banner lines (label padded to 21 columns, as the rest of the banner) for the instances of the demo organization.
 * An instance counts as paired when a number linked it (`linkedPhone`), whatever its status now.
 */
export function demoNumberLines(instances: readonly DemoInstance[]): string[] {
  const paired = instances.filter((i) => i.linkedPhone);
  const names = new Set(instances.map((i) => i.name));
  const phones = new Set(instances.flatMap((i) => [i.phone, i.linkedPhone]).map((p) => p?.replace(/\D/g, "")));
  let n = 1;
  while (names.has(`sales-${n}`) || phones.has(String(DEMO_PHONE_BASE + n))) n++;
  const pair = `./mirage pair sales-${n} --sim-phone ${DEMO_PHONE_BASE + n}`;
  if (paired.length === 0) {
    return [
      `Pair a demo number   ${pair}`,
      `Demo campaign        ./mirage campaign start demo --senders sales-${n} --watch`,
    ];
  }
  const senders = paired.slice(0, 3).map((i) => i.name);
  return [
    ...paired.map(
      (i, k) =>
        `${k === 0 ? "Paired numbers       " : "                     "}${i.name} ${i.linkedPhone} (${i.status})`,
    ),
    `Pair another number  ${pair}`,
    `Demo campaign        ./mirage campaign start demo --senders ${senders.join(",")} --watch`,
  ];
}

/**
 * The demo organization's instances, read through the API at `api` (`…/api/v1`) as the demo owner; undefined when the
 * API does not answer within 5 s or refuses (the banner then falls back to the first-start lines).
 */
export async function fetchDemoInstances(api: string, orgId: string): Promise<DemoInstance[] | undefined> {
  try {
    const login = await fetch(`${api}/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "owner@demo.mirage.local", password: "mirage-demo" }),
      signal: AbortSignal.timeout(5_000),
    });
    if (!login.ok) return undefined;
    const { accessToken } = (await login.json()) as { accessToken: string };
    const res = await fetch(`${api}/orgs/${orgId}/instances`, {
      headers: { authorization: `Bearer ${accessToken}` },
      signal: AbortSignal.timeout(5_000),
    });
    if (!res.ok) return undefined;
    return ((await res.json()) as { items: DemoInstance[] }).items;
  } catch {
    return undefined;
  }
}
