// The send module against real Postgres: a number's first message learns its LID from the on-WhatsApp answer (the
// claim could not know it), and someone who opted out known only by that LID is skipped, never written to.
import { assignInstance, insertInstance } from "@mirage/db/instances";
import { enqueueOutboundMessages } from "@mirage/db/outbound-messages";
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { createTestDatabase, type TestDatabase } from "@mirage/testing/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NumberResolver } from "../src/messaging/resolver.ts";
import { createSender } from "../src/messaging/sender.ts";
import type { SessionsPort } from "../src/sessions/index.ts";
import { silent } from "./harness.ts";

let t: TestDatabase;
let org: OrgFixture;
let instanceId: string;
const written: string[] = [];

const port = {
  canSend: () => ({ ok: true }),
  newMessageId: () => `3EB0LATE${written.length}`,
  takeSignalKeyWrites: async () => undefined,
  takeOtherSignalKeyWrites: () => [],
  absorbStoredKeys: async () => undefined,
  prefetchPeerKeys: async () => undefined,
  async sendText({ to, messageId }: { to: string; messageId: string }) {
    written.push(to);
    return { messageId };
  },
} as unknown as SessionsPort;

/** WhatsApp's answer: every number is on WhatsApp, its LID derived from its digits. */
const resolver = {
  resolve: async (_: string, phone: string) => ({
    onWhatsApp: true,
    jid: `${phone.slice(1)}@s.whatsapp.net`,
    lid: `${phone.slice(-6)}@lid`,
  }),
  refresh: async () => ({ onWhatsApp: false }),
} as unknown as NumberResolver;

beforeAll(async () => {
  t = await createTestDatabase();
  org = await createOrgWithMembers(t.admin, "late-lid");
  const inst = await t.db.asUser(org.users.operator.claims, (tx) =>
    insertInstance(tx, { orgId: org.orgId, name: "late-lid" }),
  );
  instanceId = inst.id;
  await t.db.asService((tx) => assignInstance(tx, inst.id, "w-late"));
}, 60_000);
afterAll(async () => {
  await t?.drop();
});

describe("the send module's late LID check", () => {
  it("skips a first message to a number whose LID, learned at send time, is blacklisted; sends to others", async () => {
    await t.admin`insert into public.blacklist (org_id, wa_lid, source) values (${org.orgId}, '650001@lid', 'opt_out')`;
    await t.db.asService((tx) =>
      enqueueOutboundMessages(tx, [
        { orgId: org.orgId, instanceId, recipientPhone: "+5511987650001", body: "oferta" },
        { orgId: org.orgId, instanceId, recipientPhone: "+5511987650002", body: "oferta" },
      ]),
    );
    const sender = createSender({ db: t.db, sessions: port, resolver, logger: silent });
    const outcomes = [await sender.sendNext(instanceId), await sender.sendNext(instanceId)];
    expect(outcomes.map((o) => [o?.outcome, "reason" in (o ?? {}) ? (o as { reason: string }).reason : null])).toEqual([
      ["skipped", "blacklisted"],
      ["sending", null],
    ]);
    expect(written).toEqual(["5511987650002@s.whatsapp.net"]);
  });
});
