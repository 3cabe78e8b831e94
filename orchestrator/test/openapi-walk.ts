import type postgres from "postgres";
import { expect } from "vitest";
import type { Json } from "./harness.ts";

/** One call through the validating openapi-fetch client (failures are collected by the caller). */
export type ContractCall = (
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
  route: string,
  init?: Json,
) => Promise<{ data: Json; error: Json; response: Response }>;

/**
 * The audience, messaging, campaign and holiday routes of the contract walk, in an order where each finds what it
 * needs (created by an earlier call), deletions last. `doc` is the served OpenAPI document (its examples are the
 * bodies where they stand alone), `admin` a superuser connection for what only a worker or time would do, `workerId`
 * the stand-in worker hosting the connected instance.
 */
export async function walkWorkRoutes(ctx: {
  call: ContractCall;
  doc: Json;
  admin: postgres.Sql;
  orgId: string;
  workerId: string;
  /** The bearer header, for calls that set their own headers. */
  auth: Record<string, string>;
}): Promise<void> {
  const { call, doc, admin, orgId, workerId, auth } = ctx;
  const o = { path: { orgId } };
  // The audience, messaging and campaign routes, bodies from the document's own examples where they stand alone.
  const ex = (method: string, route: string) =>
    structuredClone(doc.paths[route][method].requestBody.content["application/json"].example);
  const contact = await call("POST", "/api/v1/orgs/{orgId}/contacts", {
    body: ex("post", "/api/v1/orgs/{orgId}/contacts"),
  });
  const c = { path: { orgId, contactId: contact.data.id } };
  await call("GET", "/api/v1/orgs/{orgId}/contacts");
  await call("GET", "/api/v1/orgs/{orgId}/contacts/export.csv", { parseAs: "text" });
  await call("GET", "/api/v1/orgs/{orgId}/contacts/{contactId}", { params: c });
  await call("PATCH", "/api/v1/orgs/{orgId}/contacts/{contactId}", {
    params: c,
    body: ex("patch", "/api/v1/orgs/{orgId}/contacts/{contactId}"),
  });
  await call("POST", "/api/v1/orgs/{orgId}/contacts/{contactId}/consent", {
    params: c,
    body: ex("post", "/api/v1/orgs/{orgId}/contacts/{contactId}/consent"),
  });
  await call("GET", "/api/v1/orgs/{orgId}/contacts/{contactId}/consent", { params: c });
  await call("GET", "/api/v1/orgs/{orgId}/contacts/{contactId}/export", { params: c });
  await call("GET", "/api/v1/orgs/{orgId}/contacts/{contactId}/activity", { params: c });
  await call("GET", "/api/v1/orgs/{orgId}/contacts", {
    params: { ...o, query: { consent: "unknown", replied: "false" } },
  });
  const list = await call("POST", "/api/v1/orgs/{orgId}/lists", { body: ex("post", "/api/v1/orgs/{orgId}/lists") });
  const l = { path: { orgId, listId: list.data.id } };
  await call("GET", "/api/v1/orgs/{orgId}/lists");
  await call("GET", "/api/v1/orgs/{orgId}/lists/{listId}", { params: l });
  await call("PATCH", "/api/v1/orgs/{orgId}/lists/{listId}", { params: l, body: { name: "Leads Dez" } });
  await call("POST", "/api/v1/orgs/{orgId}/lists/{listId}/members", {
    params: l,
    body: { contactIds: [contact.data.id] },
  });
  await call("GET", "/api/v1/orgs/{orgId}/contacts/count", { params: { ...o, query: { consent: "unknown" } } });
  await call("POST", "/api/v1/orgs/{orgId}/lists/{listId}/members/matching", {
    params: l,
    body: ex("post", "/api/v1/orgs/{orgId}/lists/{listId}/members/matching"),
  });
  await call("DELETE", "/api/v1/orgs/{orgId}/lists/{listId}/members", {
    params: l,
    body: { contactIds: [contact.data.id] },
  });
  await call("POST", "/api/v1/orgs/{orgId}/lists/{listId}/members", {
    params: l,
    body: { contactIds: [contact.data.id] },
  });
  const csv = "Nome;Celular\nBia;(11) 98888-0002\n";
  await call("POST", "/api/v1/orgs/{orgId}/imports/preview", {
    params: { ...o, query: { tags: "leads" } },
    body: csv,
    bodySerializer: (b: string) => b,
    headers: { ...auth, "content-type": "text/csv" },
  });
  const imported = await call("POST", "/api/v1/orgs/{orgId}/imports", {
    params: { ...o, query: { filename: "leads.csv" } },
    body: csv,
    bodySerializer: (b: string) => b,
    headers: { ...auth, "content-type": "text/csv" },
  });
  const im = { path: { orgId, importId: imported.data.id } };
  await call("GET", "/api/v1/orgs/{orgId}/imports");
  await call("GET", "/api/v1/orgs/{orgId}/imports/{importId}", { params: im });
  await call("GET", "/api/v1/orgs/{orgId}/imports/{importId}/errors.csv", { params: im, parseAs: "text" });
  const segment = await call("POST", "/api/v1/orgs/{orgId}/segments", {
    body: ex("post", "/api/v1/orgs/{orgId}/segments"),
  });
  const sg = { path: { orgId, segmentId: segment.data.id } };
  await call("GET", "/api/v1/orgs/{orgId}/segments");
  await call("POST", "/api/v1/orgs/{orgId}/segments/count", {
    body: ex("post", "/api/v1/orgs/{orgId}/segments/count"),
  });
  await call("GET", "/api/v1/orgs/{orgId}/segments/{segmentId}", { params: sg });
  await call("PATCH", "/api/v1/orgs/{orgId}/segments/{segmentId}", { params: sg, body: { name: "VIPs" } });
  await call("GET", "/api/v1/orgs/{orgId}/segments/{segmentId}/count", { params: sg });
  const entry = await call("POST", "/api/v1/orgs/{orgId}/blacklist", { body: { phone: "+55 11 97777-0003" } });
  await call("GET", "/api/v1/orgs/{orgId}/blacklist");
  await call("GET", "/api/v1/orgs/{orgId}/blacklist/export.csv", { parseAs: "text" });
  await call("GET", "/api/v1/orgs/{orgId}/blacklist/check", { params: { ...o, query: { phone: "+5511977770003" } } });
  await call("POST", "/api/v1/orgs/{orgId}/blacklist/bulk", {
    body: ex("post", "/api/v1/orgs/{orgId}/blacklist/bulk"),
  });
  await call("POST", "/api/v1/orgs/{orgId}/blacklist/import", {
    body: "phone\n+5511966660004\n",
    bodySerializer: (b: string) => b,
    headers: { ...auth, "content-type": "text/csv" },
  });
  await call("DELETE", "/api/v1/orgs/{orgId}/blacklist/{entryId}", {
    params: { path: { orgId, entryId: entry.data.id } },
  });
  const template = await call("POST", "/api/v1/orgs/{orgId}/templates", {
    body: ex("post", "/api/v1/orgs/{orgId}/templates"),
  });
  const tp = { path: { orgId, templateId: template.data.id } };
  await call("GET", "/api/v1/orgs/{orgId}/templates");
  await call("POST", "/api/v1/orgs/{orgId}/templates/preview", {
    body: { body: "Oi {{first_name|cliente}}", count: 2 },
  });
  await call("GET", "/api/v1/orgs/{orgId}/templates/{templateId}", { params: tp });
  await call("PATCH", "/api/v1/orgs/{orgId}/templates/{templateId}", { params: tp, body: { name: "Oi" } });
  await call("POST", "/api/v1/orgs/{orgId}/templates/{templateId}/preview", { params: tp, body: { count: 2 } });
  await call("GET", "/api/v1/orgs/{orgId}/workers");
  // messaging, from a connected instance
  const sender = await call("POST", "/api/v1/orgs/{orgId}/instances", { body: { name: "c-2" } });
  await admin`update public.instances set status = 'connected' where id = ${sender.data.id}`;
  const sent1 = await call("POST", "/api/v1/orgs/{orgId}/instances/{instanceId}/messages", {
    params: { path: { orgId, instanceId: sender.data.id } },
    body: ex("post", "/api/v1/orgs/{orgId}/instances/{instanceId}/messages"),
  });
  // What a connected instance checks or says, answered by the stand-in worker hosting it.
  await admin`update public.instances set worker_id = ${workerId} where id = ${sender.data.id}`;
  const si = { path: { orgId, instanceId: sender.data.id } };
  for (const action of ["on-whatsapp", "presence", "read-receipts"]) {
    const route = `/api/v1/orgs/{orgId}/instances/{instanceId}/${action}`;
    const res = await call("POST", route, { params: si, body: ex("post", route) });
    expect(res.response.status, action).toBe(200);
  }
  await call("GET", "/api/v1/orgs/{orgId}/messages", { params: { ...o, query: { limit: 1 } } });
  await call("GET", "/api/v1/orgs/{orgId}/messages/{messageId}", {
    params: { path: { orgId, messageId: sent1.data.id } },
  });
  // No worker sends here: the message is still queued, so it can be cancelled.
  const cancelled = await call("POST", "/api/v1/orgs/{orgId}/messages/{messageId}/cancel", {
    params: { path: { orgId, messageId: sent1.data.id } },
  });
  expect(cancelled.response.status).toBe(200);
  await call("GET", "/api/v1/orgs/{orgId}/messaging/opt-out");
  await call("PUT", "/api/v1/orgs/{orgId}/messaging/opt-out", {
    body: ex("put", "/api/v1/orgs/{orgId}/messaging/opt-out"),
  });
  await call("POST", "/api/v1/orgs/{orgId}/messaging/opt-out/check", {
    body: ex("post", "/api/v1/orgs/{orgId}/messaging/opt-out/check"),
  });
  const [conv] = await admin<{ id: string }[]>`
    insert into public.conversations (org_id, instance_id, peer_phone) values (${orgId}, ${sender.data.id}, '+5511955550005')
    returning id`;
  const cv = { path: { orgId, conversationId: conv?.id } };
  await call("GET", "/api/v1/orgs/{orgId}/conversations");
  await call("GET", "/api/v1/orgs/{orgId}/conversations/{conversationId}", { params: cv });
  await call("PATCH", "/api/v1/orgs/{orgId}/conversations/{conversationId}", {
    params: cv,
    body: ex("patch", "/api/v1/orgs/{orgId}/conversations/{conversationId}"),
  });
  await call("POST", "/api/v1/orgs/{orgId}/conversations/{conversationId}/messages", {
    params: cv,
    body: ex("post", "/api/v1/orgs/{orgId}/conversations/{conversationId}/messages"),
  });
  const note = await call("POST", "/api/v1/orgs/{orgId}/conversations/{conversationId}/notes", {
    params: cv,
    body: ex("post", "/api/v1/orgs/{orgId}/conversations/{conversationId}/notes"),
  });
  await call("GET", "/api/v1/orgs/{orgId}/conversations/{conversationId}/messages", { params: cv });
  // A message the person sent in it, for the number's reaction (the test's worker answers the command).
  await admin`
    insert into public.inbound_messages (org_id, instance_id, wa_message_id, from_jid, from_phone, body, conversation_id)
    values (${orgId}, ${sender.data.id}, '3A8F21C0D9E4B7A61234', '5511955550005@s.whatsapp.net', '+5511955550005',
            'Quero saber mais', ${conv?.id ?? null})`;
  const reaction = await call(
    "PUT",
    "/api/v1/orgs/{orgId}/conversations/{conversationId}/messages/{waMessageId}/reaction",
    {
      params: { path: { ...cv.path, waMessageId: "3A8F21C0D9E4B7A61234" } },
      body: ex("put", "/api/v1/orgs/{orgId}/conversations/{conversationId}/messages/{waMessageId}/reaction"),
    },
  );
  expect(reaction.response.status).toBe(200);
  await call("DELETE", "/api/v1/orgs/{orgId}/conversations/{conversationId}/notes/{noteId}", {
    params: { path: { ...cv.path, noteId: note.data.id } },
  });
  await call("GET", "/api/v1/orgs/{orgId}/stats/daily", { params: { ...o, query: { days: 7 } } });
  // campaigns
  const campaign = await call("POST", "/api/v1/orgs/{orgId}/campaigns", {
    body: {
      ...ex("post", "/api/v1/orgs/{orgId}/campaigns"),
      templateId: template.data.id,
      audience: { listIds: [list.data.id], segmentIds: [] },
      senderIds: [sender.data.id],
    },
  });
  const cp = { path: { orgId, campaignId: campaign.data.id } };
  await call("GET", "/api/v1/orgs/{orgId}/campaigns");
  await call("GET", "/api/v1/orgs/{orgId}/campaigns/{campaignId}", { params: cp });
  await call("PATCH", "/api/v1/orgs/{orgId}/campaigns/{campaignId}", { params: cp, body: { name: "Cyber Monday" } });
  // the sender pool (the number leaves, then comes back: the start needs it)
  await call("GET", "/api/v1/orgs/{orgId}/campaigns/{campaignId}/senders", { params: cp });
  await call("DELETE", "/api/v1/orgs/{orgId}/campaigns/{campaignId}/senders/{instanceId}", {
    params: { path: { ...cp.path, instanceId: sender.data.id } },
  });
  await call("POST", "/api/v1/orgs/{orgId}/campaigns/{campaignId}/senders", {
    params: cp,
    body: { ...ex("post", "/api/v1/orgs/{orgId}/campaigns/{campaignId}/senders"), instanceId: sender.data.id },
  });
  // the holiday calendar
  await call("POST", "/api/v1/orgs/{orgId}/holidays/seed", {
    body: ex("post", "/api/v1/orgs/{orgId}/holidays/seed"),
  });
  const holiday = await call("POST", "/api/v1/orgs/{orgId}/holidays", {
    body: ex("post", "/api/v1/orgs/{orgId}/holidays"),
  });
  await call("GET", "/api/v1/orgs/{orgId}/holidays", { params: { ...o, query: { country: "BR" } } });
  await call("DELETE", "/api/v1/orgs/{orgId}/holidays/{holidayId}", {
    params: { path: { orgId, holidayId: holiday.data.id } },
  });
  await call("POST", "/api/v1/orgs/{orgId}/campaigns/{campaignId}/dry-run", { params: cp, body: { count: 2 } });
  await call("GET", "/api/v1/orgs/{orgId}/campaigns/{campaignId}/start-check", { params: cp });
  await call("POST", "/api/v1/orgs/{orgId}/campaigns/{campaignId}/start", { params: cp, body: { now: true } });
  for (const action of ["pause", "resume", "cancel"]) {
    const res = await call("POST", `/api/v1/orgs/{orgId}/campaigns/{campaignId}/${action}`, { params: cp, body: {} });
    expect(res.response.status, action).toBe(200);
  }
  await call("GET", "/api/v1/orgs/{orgId}/campaigns/{campaignId}/stats", { params: cp });
  await call("GET", "/api/v1/orgs/{orgId}/campaigns/{campaignId}/report.csv", { params: cp, parseAs: "text" });
  await call("GET", "/api/v1/orgs/{orgId}/campaigns/{campaignId}/recent-sends", {
    params: { ...cp, query: { limit: 5 } },
  });
  await call("GET", "/api/v1/orgs/{orgId}/sender-budgets", { params: { ...o, query: { perDay: 100 } } });
  const draft = await call("POST", "/api/v1/orgs/{orgId}/campaigns", {
    body: {
      ...ex("post", "/api/v1/orgs/{orgId}/campaigns"),
      name: "to delete",
      templateId: template.data.id,
      audience: { listIds: [list.data.id], segmentIds: [] },
      senderIds: [sender.data.id],
    },
  });
  await call("DELETE", "/api/v1/orgs/{orgId}/campaigns/{campaignId}", {
    params: { path: { orgId, campaignId: draft.data.id } },
  });
  // deletions last
  await call("DELETE", "/api/v1/orgs/{orgId}/segments/{segmentId}", { params: sg });
  await call("DELETE", "/api/v1/orgs/{orgId}/templates/{templateId}", {
    params: {
      path: {
        orgId,
        templateId: (await call("POST", "/api/v1/orgs/{orgId}/templates", { body: { name: "x", body: "x" } })).data.id,
      },
    },
  });
  await call("DELETE", "/api/v1/orgs/{orgId}/lists/{listId}", {
    params: {
      path: { orgId, listId: (await call("POST", "/api/v1/orgs/{orgId}/lists", { body: { name: "tmp" } })).data.id },
    },
  });
  await call("POST", "/api/v1/orgs/{orgId}/contacts/{contactId}/erase", { params: c, body: {} });
  const gone = await call("POST", "/api/v1/orgs/{orgId}/contacts", { body: { phone: "(11) 94444-0006" } });
  await call("DELETE", "/api/v1/orgs/{orgId}/contacts/{contactId}", {
    params: { path: { orgId, contactId: gone.data.id } },
  });
}
