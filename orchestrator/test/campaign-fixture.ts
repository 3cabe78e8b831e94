import { createOrgWithMembers, insertInstance, type OrgFixture } from "@mirage/testing/fixtures";
import { expect } from "vitest";
import { api, type Harness, NO_BACKGROUND, startHarness } from "./harness.ts";

/** What the campaign API tests share: two organizations, three numbers (two connected), a list of 120, a template. */
export type CampaignFixture = {
  h: Harness;
  a: OrgFixture;
  b: OrgFixture;
  marketer: string;
  viewer: string;
  /** Two connected numbers and one waiting for its QR, in that order. */
  senders: string[];
  listId: string;
  templateId: string;
};

/** Pacing with no typing and no breaks, 100–300 ms apart. */
export const FAST = {
  gapMs: { min: 100, max: 300 },
  breakEvery: { min: 0, max: 0 },
  breakMs: { min: 0, max: 0 },
  typingMsPerChar: 0,
  typingMs: { min: 0, max: 0 },
};

/**
 * Starts a harness without background jobs and builds the fixture through the API as a marketer would (the
 * contacts in bulk through the admin connection): organization `a` reads national numbers as Brazilian.
 */
export async function startCampaignFixture(name: string): Promise<CampaignFixture> {
  const h = await startHarness(NO_BACKGROUND);
  const a = await createOrgWithMembers(h.t.admin, `${name}-a`);
  const b = await createOrgWithMembers(h.t.admin, `${name}-b`);
  await h.t.admin`update public.organizations set default_country = 'BR' where id = ${a.orgId}`;
  const marketer = await h.tokenFor(a.users.marketer);
  const viewer = await h.tokenFor(a.users.viewer);
  const instance = (n: string, status = "connected") => insertInstance(h.t.admin, a.orgId, n, { status });
  const senders = [await instance("s1"), await instance("s2"), await instance("s3", "pending_pairing")];
  const post = (p: string, body: unknown) => api(h, "post", `/api/v1/orgs/${a.orgId}${p}`, { token: marketer, body });
  const list = await post("/lists", { name: "Leads" });
  expect(list.status, JSON.stringify(list.body)).toBe(201);
  const listId = list.body.id as string;
  await h.t.admin`
    insert into public.contacts (org_id, phone_e164, name, custom_fields)
    select ${a.orgId}, '+55119' || (70000000 + i)::text, 'Pessoa ' || i, jsonb_build_object('cidade', 'Recife')
    from generate_series(1, 120) i`;
  await h.t.admin`
    insert into public.contact_list_members (org_id, list_id, contact_id)
    select ${a.orgId}, ${listId}, id from public.contacts where org_id = ${a.orgId}`;
  const t = await post("/templates", {
    name: "Oferta",
    body: "{Olá|Oi} {{first_name|cliente}}, novidade em {{cidade|sua cidade}}!",
    variations: ["Bom dia {{first_name|cliente}}! Temos novidades."],
  });
  expect(t.status, JSON.stringify(t.body)).toBe(201);
  return { h, a, b, marketer, viewer, senders, listId, templateId: t.body.id as string };
}
