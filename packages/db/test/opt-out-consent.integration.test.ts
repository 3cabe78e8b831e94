import { readFileSync } from "node:fs";
import path from "node:path";
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { createTestDatabase, type TestDatabase } from "@mirage/testing/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// An opt-out reply goes through private.record_opt_out (called by ingest_inbound); the Contacts page, its consent
// filter and segments read contacts.consent_state, and the LGPD history is contact_consent_events.
const migration = path.resolve(
  import.meta.dirname,
  "../../../supabase/migrations/20261204120000_opt_out_reply_records_consent.sql",
);

let t: TestDatabase;
let a: OrgFixture;

beforeAll(async () => {
  t = await createTestDatabase();
  a = await createOrgWithMembers(t.admin, "org-a");
});
afterAll(async () => {
  await t?.drop();
});

async function contact(phone: string, state: "unknown" | "opted_in" = "unknown"): Promise<string> {
  const [c] = await t.admin<{ id: string }[]>`
    insert into public.contacts (org_id, phone_e164, name, consent_state)
    values (${a.orgId}, ${phone}, 'Ana', ${state}) returning id`;
  if (!c) throw new Error("contact");
  return c.id;
}

async function consentOf(id: string) {
  const [c] = await t.admin<{ consent_state: string; consent_source: string | null; consent_at: Date | null }[]>`
    select consent_state, consent_source, consent_at, opted_out_at from public.contacts where id = ${id}`;
  const events = await t.admin<{ state: string; source: string; evidence: string | null }[]>`
    select state, source, evidence from public.contact_consent_events where contact_id = ${id} order by id`;
  return { ...c, events: events.map((e) => ({ ...e })) };
}

describe("an opt-out reply", () => {
  it("sets the contact's consent to opted out and records the reply in its history, once", async () => {
    const id = await contact("+5511900009001", "opted_in");
    await t.admin`select private.record_opt_out(${a.orgId}, '+5511900009001', null, ${id}, 'sair')`;
    await t.admin`select private.record_opt_out(${a.orgId}, '+5511900009001', null, ${id}, 'parar')`;
    const c = await consentOf(id);
    expect(c).toMatchObject({ consent_state: "opted_out", consent_source: "opt-out reply" });
    expect(c.consent_at).toBeInstanceOf(Date);
    expect(c.events).toEqual([{ state: "opted_out", source: "opt-out reply", evidence: 'replied "sair"' }]);
  });

  it("of the past (opted_out_at only) is carried into the consent state and history by the migration", async () => {
    const id = await contact("+5511900009002");
    await t.admin`update public.contacts set opted_out_at = now() - interval '1 day' where id = ${id}`;
    await t.admin.unsafe(readFileSync(migration, "utf8"));
    const c = await consentOf(id);
    expect(c.consent_state).toBe("opted_out");
    expect(c.events).toHaveLength(1);
    expect(c.events[0]?.source).toBe("opt-out reply");
  });
});
