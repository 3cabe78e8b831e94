import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { createTestDatabase, type TestDatabase } from "@mirage/testing/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eraseContact } from "../src/contact-privacy.ts";
import { deletePersonKeys, signalKeyUser } from "../src/wa-auth.ts";

// Erasure and the WhatsApp key store: the keys an organization's numbers keep for a person are encrypted, but their
// ids name the person's number or LID in clear (Baileys' formats), so they go with the person; other people's keys,
// the number's own keys and another organization's keys for the same person stay.
let t: TestDatabase;
let a: OrgFixture;
let b: OrgFixture;

const PHONE = "+5511976200001";
const LID = "76200001@lid";
// The LID the on-WhatsApp cache learned for the other ninth-digit form (the contact row does not know it).
const CACHED_LID = "76200009@lid";

beforeAll(async () => {
  t = await createTestDatabase();
  a = await createOrgWithMembers(t.admin, "keys-a");
  b = await createOrgWithMembers(t.admin, "keys-b");
}, 60_000);
afterAll(async () => {
  await t?.drop();
});

async function instanceOf(orgId: string, name: string): Promise<string> {
  const [row] = await t.admin<{ id: string }[]>`
    insert into public.instances (org_id, name) values (${orgId}, ${name}) returning id`;
  return row?.id ?? "";
}

async function keys(instanceId: string, entries: [type: string, id: string][]): Promise<void> {
  for (const [type, id] of entries) {
    await t.admin`insert into public.wa_auth_keys (instance_id, org_id, type, id, key_id, ciphertext)
      select ${instanceId}, org_id, ${type}, ${id}, 'k1', '\\x00'::bytea from public.instances where id = ${instanceId}`;
  }
}

const left = async (instanceId: string) =>
  (
    await t.admin<{ key: string }[]>`
      select type || ' ' || id as key from public.wa_auth_keys where instance_id = ${instanceId} order by 1`
  ).map((r) => r.key);

describe("erasing a contact", () => {
  it("deletes the Signal keys naming its numbers or LID on every number of the organization, and no other", async () => {
    const [contact] = await t.admin<{ id: string }[]>`
      insert into public.contacts (org_id, phone_e164, wa_lid, name) values (${a.orgId}, ${PHONE}, ${LID}, 'Dora')
      returning id`;
    await t.admin`insert into public.wa_id_lookups (phone_e164, on_whatsapp, wa_jid, wa_lid)
      values ('+551176200001', true, '551176200001@s.whatsapp.net', ${CACHED_LID})`;
    const one = await instanceOf(a.orgId, "keys-1");
    const two = await instanceOf(a.orgId, "keys-2");
    const other = await instanceOf(b.orgId, "keys-b");
    const person: [string, string][] = [
      ["session", "5511976200001.0"],
      ["session", "76200001_1.0"],
      ["session", "76200001_1.12"],
      ["identity-key", "76200001_1.0"],
      ["lid-mapping", "5511976200001"],
      ["lid-mapping", "76200001_reverse"],
      ["lid-mapping", "551176200001"],
      ["lid-mapping", "76200009_reverse"],
      ["device-list", "76200001"],
      ["tctoken", "76200001@lid"],
      ["tctoken", "5511976200001@s.whatsapp.net"],
    ];
    const others: [string, string][] = [
      ["session", "5511976200002.0"],
      // A number that merely starts with the person's digits is someone else.
      ["session", "55119762000011.0"],
      ["lid-mapping", "762000011_reverse"],
      ["pre-key", "1"],
      ["app-state-sync-key", "AAAAAB"],
    ];
    await keys(one, [...person, ...others]);
    await keys(two, [["session", "76200001_1.0"]]);
    await keys(other, person);

    const counts = await t.db.asService((tx) =>
      eraseContact(
        tx,
        a.orgId,
        {
          id: contact?.id ?? "",
          phones: [PHONE],
          forms: [PHONE, "+551176200001"],
          waLid: LID,
          nationalNumbers: ["11976200001", "1176200001"],
        },
        "test",
      ),
    );

    expect(counts.signalKeys).toBe(person.length + 1);
    expect(await left(one)).toEqual(others.map(([type, id]) => `${type} ${id}`).sort());
    expect(await left(two)).toEqual([]);
    expect(await left(other)).toHaveLength(person.length);
  });

  it("the worker's rule for a key id's person (signalKeyUser) is the statement's", async () => {
    const ids = [
      "5511976200001.0",
      "76200001_1.12",
      "76200001_reverse",
      "76200001@lid",
      "5511976200001@s.whatsapp.net",
      "5511976200001:3@s.whatsapp.net",
      "76200001_1:2@lid",
      "1",
      "AAAAAB",
    ];
    const instance = await instanceOf(a.orgId, "keys-rule");
    await keys(
      instance,
      ids.map((id) => ["session", id]),
    );
    // Each id is deleted by its own user part as the worker reads it, and by nothing else's.
    const deleted: number[] = [];
    for (const id of ids) {
      deleted.push(await t.db.asService((tx) => deletePersonKeys(tx, { instanceId: instance }, [signalKeyUser(id)])));
    }
    expect(ids.map(signalKeyUser)).toEqual([
      "5511976200001",
      "76200001",
      "76200001",
      "76200001",
      "5511976200001",
      "5511976200001",
      "76200001",
      "1",
      "AAAAAB",
    ]);
    // The first id of each person takes all of theirs with it.
    expect(deleted).toEqual([3, 4, 0, 0, 0, 0, 0, 1, 1]);
    expect(await left(instance)).toEqual([]);
  });
});
