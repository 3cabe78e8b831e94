import { createOrgWithMembers, insertInstance, type OrgFixture } from "@mirage/testing/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Harness, NO_BACKGROUND, startHarness } from "./harness.ts";

// After an erasure, a send to the person — by any form of their number or by their LID — is refused before anything
// is written: accepting it stored their number again in clear (the message row, a new inbox conversation) although
// the send itself was then skipped as blacklisted. Their LID is kept as a salted hash too, which the send-time
// check and the blacklist check honour.

let h: Harness;
let a: OrgFixture;
let instanceId: string;
let operator: string;

const PHONE = "+5511976400001";
const OTHER_FORM = "+551176400001";
const LID = "76400001@lid";

beforeAll(async () => {
  h = await startHarness(NO_BACKGROUND);
  a = await createOrgWithMembers(h.t.admin, "erase-sends");
  instanceId = await insertInstance(h.t.admin, a.orgId, "sales", { status: "connected" });
  operator = await h.tokenFor(a.users.operator);
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const send = (to: string, text = "Oi de novo") =>
  api(h, "post", `/api/v1/orgs/${a.orgId}/instances/${instanceId}/messages`, { token: operator, body: { to, text } });

describe("sending to an erased person", () => {
  it("is refused with recipient_erased by number, other ninth-digit form and LID; nothing is stored", async () => {
    const [contact] = await h.t.admin<{ id: string }[]>`
      insert into public.contacts (org_id, phone_e164, wa_lid, name) values (${a.orgId}, ${PHONE}, ${LID}, 'Nina')
      returning id`;
    // Before the erasure, a send is accepted (and creates the conversation).
    expect((await send(PHONE, "Olá Nina")).status).toBe(202);
    const erased = await api(h, "post", `/api/v1/orgs/${a.orgId}/contacts/${contact?.id}/erase`, {
      token: await h.tokenFor(a.users.marketer),
      body: {},
    });
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    expect(erased.body.deleted.messages).toBe(1);

    for (const to of [PHONE, "+55 (11) 97640-0001", OTHER_FORM, LID]) {
      const res = await send(to);
      expect(res.status, `${to}: ${JSON.stringify(res.body)}`).toBe(422);
      expect(res.body).toMatchObject({ code: "invalid_message", reasonCode: "recipient_erased" });
    }
    const [left] = await h.t.admin<{ messages: number; conversations: number }[]>`
      select (select count(*) from public.outbound_messages where org_id = ${a.orgId})::int as messages,
             (select count(*) from public.conversations where org_id = ${a.orgId})::int as conversations`;
    expect(left).toEqual({ messages: 0, conversations: 0 });

    // Someone else is still sent to.
    expect((await send("+5511976400002")).status).toBe(202);
  });

  it("the LID alone is blocked: the blacklist check and the send-time check both say so", async () => {
    const viewer = await h.tokenFor(a.users.viewer);
    const byLid = await api(h, "get", `/api/v1/orgs/${a.orgId}/blacklist/check?waLid=${encodeURIComponent(LID)}`, {
      token: viewer,
    });
    expect(byLid.status, JSON.stringify(byLid.body)).toBe(200);
    expect(byLid.body.blocked).toBe(true);
    const other = await api(h, "get", `/api/v1/orgs/${a.orgId}/blacklist/check?waLid=76400009%40lid`, {
      token: viewer,
    });
    expect(other.body.blocked).toBe(false);
    const [verdict] = await h.t.db.asService(
      (tx) => tx<{ block: string | null }[]>`select private.send_block(${a.orgId}, null, ${LID}, null) as block`,
    );
    expect(verdict?.block).toBe("blacklisted");
  });
});
