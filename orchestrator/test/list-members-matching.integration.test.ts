/**
 * "Select all N matching" on the contacts table: the count of a filter and adding everything it matches to a list in
 * one statement, with the filters of GET /contacts. Real Postgres under RLS.
 */
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Harness, type Json, startHarness } from "./harness.ts";

let h: Harness;
let org: OrgFixture;
let other: OrgFixture;
let marketer: string;

beforeAll(async () => {
  h = await startHarness({ WEBHOOK_WORKER_ENABLED: "false", IMPORT_WORKER_ENABLED: "false" });
  org = await createOrgWithMembers(h.t.admin, "members-matching");
  other = await createOrgWithMembers(h.t.admin, "members-matching-2");
  marketer = await h.tokenFor(org.users.marketer);
  const o = org.orgId;
  // 1,200 tagged "vip" (more than a page, more than the search's id cap), 3 not; one opted out.
  await h.t.admin`
    insert into public.contacts (org_id, phone_e164, name, tags, consent_state)
    select ${o}, '+55119800' || lpad(i::text, 5, '0'), 'Vip ' || i, '{vip}',
           (case when i = 1 then 'opted_out' else 'unknown' end)::public.consent_state
    from generate_series(1, 1200) i`;
  await h.t.admin`
    insert into public.contacts (org_id, phone_e164, name, tags) values
      (${o}, '+5511981000001', 'Ana Lead', '{lead}'),
      (${o}, '+5511981000002', 'Bia Lead', '{lead}'),
      (${o}, '+5511981000003', 'Caio', '{}')`;
  // Another organization's vip must never be counted nor added.
  await h.t
    .admin`insert into public.contacts (org_id, phone_e164, tags) values (${other.orgId}, '+5511981000009', '{vip}')`;
});
afterAll(async () => {
  await h?.close();
});

const path = (p: string, o = org.orgId) => `/api/v1/orgs/${o}${p}`;

async function count(qs: string, token = marketer): Promise<number> {
  const res = await api(h, "get", path(`/contacts/count?${qs}`), { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.count;
}

async function newList(name: string): Promise<string> {
  const res = await api(h, "post", path("/lists"), { token: marketer, body: { name } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

const addMatching = (listId: string, filter: Json, token = marketer, o = org.orgId) =>
  api(h, "post", path(`/lists/${listId}/members/matching`, o), { token, body: { filter } });

describe("counting a filter", () => {
  it("counts what GET /contacts would page through, with the same filters", async () => {
    expect(await count("")).toBe(1203);
    expect(await count("tag=vip")).toBe(1200);
    expect(await count("tag=vip&consent=opted_out")).toBe(1);
    expect(await count("q=lead")).toBe(0);
    expect(await count("q=ana")).toBe(1);
    expect(await count("q=981000")).toBe(3);
    expect(await count("q=vip&tag=vip")).toBe(1200);
    expect(await count("", await h.tokenFor(org.users.viewer))).toBe(1203);
    const bad = await api(h, "get", path("/contacts/count?limit=5"), { token: marketer });
    expect(bad.status).toBe(400);
  });
});

describe("adding every contact matching a filter to a list", () => {
  it("adds them all in one request and says how many joined and how many were there", async () => {
    const listId = await newList("Todos os VIP");
    // One of them is a member already.
    const one = await api(h, "get", path("/contacts?tag=vip&limit=1"), { token: marketer });
    const first = one.body.items[0].id as string;
    await api(h, "post", path(`/lists/${listId}/members`), { token: marketer, body: { contactIds: [first] } });

    const res = await addMatching(listId, { tag: "vip" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ matched: 1200, added: 1199, already: 1 });
    expect(await count(`listId=${listId}`)).toBe(1200);
    const list = await api(h, "get", path(`/lists/${listId}`), { token: marketer });
    expect(list.body.memberCount).toBe(1200);

    const again = await addMatching(listId, { tag: "vip" });
    expect(again.body).toEqual({ matched: 1200, added: 0, already: 1200 });
    const [audit] = await h.t.admin<{ detail: Json }[]>`
      select detail from public.audit_log where org_id = ${org.orgId} and target_id = ${listId}
      order by id desc limit 1`;
    expect(audit?.detail).toMatchObject({ count: 0, matched: 1200, filter: { tag: "vip" } });
  });

  it("honours search, consent and list filters like GET /contacts; {} is the whole organization", async () => {
    const leads = await newList("Leads");
    expect((await addMatching(leads, { q: "bia", tag: "lead" })).body).toEqual({ matched: 1, added: 1, already: 0 });
    const out = await newList("Opted out");
    expect((await addMatching(out, { consent: "opted_out" })).body).toMatchObject({ matched: 1, added: 1 });
    // Another list's members, by listId: what is in "Leads" joins "Opted out".
    expect((await addMatching(out, { listId: leads })).body).toEqual({ matched: 1, added: 1, already: 0 });
    const everyone = await newList("Everyone");
    expect((await addMatching(everyone, {})).body).toEqual({ matched: 1203, added: 1203, already: 0 });
  });

  it("refuses readers, unknown lists and filters, and never reaches another organization", async () => {
    const listId = await newList("Guarded");
    const viewer = await addMatching(listId, { tag: "vip" }, await h.tokenFor(org.users.viewer));
    expect(viewer.status).toBe(403);
    const operator = await addMatching(listId, { tag: "vip" }, await h.tokenFor(org.users.operator));
    expect(operator.status).toBe(403);
    const noList = await addMatching("00000000-0000-4000-8000-000000000000", { tag: "vip" });
    expect(noList.status).toBe(404);
    expect(noList.body.detail).toBe("list not found");
    const noSegment = await addMatching(listId, { segmentId: "00000000-0000-4000-8000-000000000000" });
    expect(noSegment.status).toBe(404);
    expect(noSegment.body.detail).toBe("segment not found");
    const noFilter = await api(h, "post", path(`/lists/${listId}/members/matching`), { token: marketer, body: {} });
    expect(noFilter.status).toBe(400);
    const unknownKey = await addMatching(listId, { tags: "vip" });
    expect(unknownKey.status).toBe(400);
    // Another organization's owner cannot use this organization's list, nor add its own contacts to it.
    const foreign = await addMatching(listId, {}, await h.tokenFor(other.users.owner), other.orgId);
    expect(foreign.status).toBe(404);
    expect(await count(`listId=${listId}`)).toBe(0);
  });
});
