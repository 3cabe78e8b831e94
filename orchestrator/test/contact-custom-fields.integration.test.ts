/**
 * Editing a contact's custom fields (the dashboard's contact page): merged changes, removals by null, and keys a
 * template can read, refused with the reason otherwise. Real Postgres under RLS.
 */
import { CUSTOM_FIELD_KEY_RULE } from "@mirage/contracts/contacts";
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Harness, startHarness } from "./harness.ts";

let h: Harness;
let org: OrgFixture;
let contactId: string;

beforeAll(async () => {
  h = await startHarness({ WEBHOOK_WORKER_ENABLED: "false", IMPORT_WORKER_ENABLED: "false" });
  org = await createOrgWithMembers(h.t.admin, "custom-fields");
  // A key stored before the rule (by an import's rename), which the API must still let a writer remove.
  const [row] = await h.t.admin<{ id: string }[]>`
    insert into public.contacts (org_id, phone_e164, custom_fields)
    values (${org.orgId}, '+5511982000001', ${h.t.admin.json({ cidade: "Recife", plano: 2, "a|b": "old" })})
    returning id`;
  contactId = row?.id ?? "";
});
afterAll(async () => {
  await h?.close();
});

const edit = async (body: unknown, role: keyof OrgFixture["users"] = "marketer") =>
  api(h, "patch", `/api/v1/orgs/${org.orgId}/contacts/${contactId}`, {
    token: await h.tokenFor(org.users[role]),
    body,
  });

describe("a contact's custom fields", () => {
  it("change, join and leave in one merged request; untouched ones keep their value and type", async () => {
    const res = await edit({
      customFields: { cidade: "Olinda", "Data de Nascimento": "1990-05-01", "a|b": null },
      mergeCustomFields: true,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.customFields).toEqual({ cidade: "Olinda", plano: 2, "Data de Nascimento": "1990-05-01" });
  });

  it("refuses a key no template could read, naming the field and the rule; nothing is changed", async () => {
    const res = await edit({ customFields: { "{{cupom}}": "10OFF" }, mergeCustomFields: true });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("validation_failed");
    expect(res.body.errors).toEqual([{ path: "body.customFields.{{cupom}}", message: CUSTOM_FIELD_KEY_RULE }]);
    const tooMany = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`f${i}`, "x"]));
    const many = await edit({ customFields: tooMany, mergeCustomFields: true });
    expect(many.status).toBe(400);
    expect(JSON.stringify(many.body)).toContain("at most 100 custom fields");
    const [row] = await h.t.admin<{ cf: Record<string, unknown> }[]>`
      select custom_fields as cf from public.contacts where id = ${contactId}`;
    expect(Object.keys(row?.cf ?? {}).sort()).toEqual(["Data de Nascimento", "cidade", "plano"]);
  });

  it("only writers edit them", async () => {
    expect((await edit({ customFields: { cidade: "X" }, mergeCustomFields: true }, "viewer")).status).toBe(403);
    expect((await edit({ customFields: { cidade: "X" }, mergeCustomFields: true }, "operator")).status).toBe(403);
  });
});
