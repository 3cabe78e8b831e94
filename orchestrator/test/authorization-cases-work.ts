import { randomUUID } from "node:crypto";
import { ADMINS, ALL, type Case, type FreshTargets, INBOX, MARKETING, SENDERS } from "./authorization-fixtures.ts";

/** The work inside an organization: audience, instances, messages, inbox, holidays, campaigns. */
export const workCases = (f: FreshTargets): Case[] => [
  {
    name: "POST contact",
    allowed: MARKETING,
    status: 201,
    call: async (o) => {
      const seq = f.nextSeq();
      return { method: "post", path: `/orgs/${o}/contacts`, body: { phone: `+55119${String(60000000 + seq)}` } };
    },
  },
  {
    name: "PATCH contact",
    allowed: MARKETING,
    status: 200,
    call: async (o) => ({
      method: "patch",
      path: `/orgs/${o}/contacts/${await f.freshContact(o)}`,
      body: { name: "X" },
    }),
  },
  {
    name: "DELETE contact",
    allowed: MARKETING,
    status: 204,
    call: async (o) => ({ method: "delete", path: `/orgs/${o}/contacts/${await f.freshContact(o)}` }),
  },
  {
    name: "POST consent",
    allowed: MARKETING,
    status: 201,
    call: async (o) => ({
      method: "post",
      path: `/orgs/${o}/contacts/${await f.freshContact(o)}/consent`,
      body: { state: "opted_in", source: "form" },
    }),
  },
  {
    name: "GET contact export (LGPD)",
    allowed: MARKETING,
    status: 200,
    call: async (o) => ({ method: "get", path: `/orgs/${o}/contacts/${await f.freshContact(o)}/export` }),
  },
  {
    name: "POST contact erase (LGPD)",
    allowed: MARKETING,
    status: 200,
    call: async (o) => ({ method: "post", path: `/orgs/${o}/contacts/${await f.freshContact(o)}/erase` }),
  },
  { name: "GET lists", allowed: ALL, status: 200, call: async (o) => ({ method: "get", path: `/orgs/${o}/lists` }) },
  {
    name: "POST list",
    allowed: MARKETING,
    status: 201,
    call: async (o) => ({ method: "post", path: `/orgs/${o}/lists`, body: { name: randomUUID() } }),
  },
  {
    name: "POST list members",
    allowed: MARKETING,
    status: 200,
    call: async (o) => ({
      method: "post",
      path: `/orgs/${o}/lists/${await f.freshRow("contact_lists", o)}/members`,
      body: { contactIds: [await f.freshContact(o)] },
    }),
  },
  {
    name: "POST list members matching",
    allowed: MARKETING,
    status: 200,
    call: async (o) => ({
      method: "post",
      path: `/orgs/${o}/lists/${await f.freshRow("contact_lists", o)}/members/matching`,
      body: { filter: { tag: "x" } },
    }),
  },
  {
    name: "GET contacts count",
    allowed: ALL,
    status: 200,
    call: async (o) => ({ method: "get", path: `/orgs/${o}/contacts/count?tag=x` }),
  },
  {
    name: "POST segment count",
    allowed: ALL,
    status: 200,
    call: async (o) => ({ method: "post", path: `/orgs/${o}/segments/count`, body: { filter: { tagsAny: ["x"] } } }),
  },
  {
    name: "PATCH segment",
    allowed: MARKETING,
    status: 200,
    call: async (o) => ({
      method: "patch",
      path: `/orgs/${o}/segments/${await f.freshRow("segments", o)}`,
      body: { filter: { replied: false } },
    }),
  },
  {
    name: "GET blacklist",
    allowed: ALL,
    status: 200,
    call: async (o) => ({ method: "get", path: `/orgs/${o}/blacklist` }),
  },
  {
    name: "POST blacklist",
    allowed: MARKETING,
    status: 201,
    call: async (o) => {
      const seq = f.nextSeq();
      return { method: "post", path: `/orgs/${o}/blacklist`, body: { phone: `+55119${String(50000000 + seq)}` } };
    },
  },
  {
    name: "DELETE blacklist entry",
    allowed: MARKETING,
    status: 204,
    call: async (o) => ({ method: "delete", path: `/orgs/${o}/blacklist/${await f.freshBlacklist(o)}` }),
  },
  {
    name: "POST template preview",
    allowed: ALL,
    status: 200,
    call: async (o) => ({
      method: "post",
      path: `/orgs/${o}/templates/${await f.freshRow("message_templates", o)}/preview`,
      body: { count: 2 },
    }),
  },
  {
    name: "DELETE template",
    allowed: MARKETING,
    status: 204,
    call: async (o) => ({ method: "delete", path: `/orgs/${o}/templates/${await f.freshRow("message_templates", o)}` }),
  },
  {
    name: "GET imports",
    allowed: ALL,
    status: 200,
    call: async (o) => ({ method: "get", path: `/orgs/${o}/imports` }),
  },
  {
    // Allowed callers get past authorization to the instance's socket: with no worker in this test, a fast 503.
    name: "POST instance on-whatsapp",
    allowed: SENDERS,
    status: 503,
    call: async (o) => ({
      method: "post",
      path: `/orgs/${o}/instances/${await f.freshInstance(o)}/on-whatsapp`,
      body: { numbers: ["+5511999990001"] },
    }),
  },
  {
    name: "POST instance presence",
    allowed: SENDERS,
    status: 503,
    call: async (o) => ({
      method: "post",
      path: `/orgs/${o}/instances/${await f.freshInstance(o)}/presence`,
      body: { presence: "available" },
    }),
  },
  {
    name: "POST instance read-receipts",
    allowed: SENDERS,
    status: 200,
    call: async (o) => ({
      method: "post",
      path: `/orgs/${o}/instances/${await f.freshInstance(o)}/read-receipts`,
      body: { waMessageIds: ["3EB0NEVERRECEIVED"] },
    }),
  },
  {
    name: "POST cancel message",
    allowed: SENDERS,
    status: 200,
    call: async (o) => ({ method: "post", path: `/orgs/${o}/messages/${await f.freshQueuedMessage(o)}/cancel` }),
  },
  {
    name: "GET conversations",
    allowed: ALL,
    status: 200,
    call: async (o) => ({ method: "get", path: `/orgs/${o}/conversations/${await f.freshConversation(o)}/messages` }),
  },
  {
    name: "PATCH conversation",
    allowed: INBOX,
    status: 200,
    call: async (o) => ({
      method: "patch",
      path: `/orgs/${o}/conversations/${await f.freshConversation(o)}`,
      body: { tags: ["lead"], read: true },
    }),
  },
  {
    name: "POST conversation note",
    allowed: INBOX,
    status: 201,
    call: async (o) => ({
      method: "post",
      path: `/orgs/${o}/conversations/${await f.freshConversation(o)}/notes`,
      body: { text: "retornar amanhã" },
    }),
  },
  {
    // Allowed roles get past the role check to the instance's own refusal (it is stopped).
    name: "POST conversation reply",
    allowed: INBOX,
    status: 409,
    call: async (o) => ({
      method: "post",
      path: `/orgs/${o}/conversations/${await f.freshConversation(o)}/messages`,
      body: { text: "Oi!" },
    }),
  },
  {
    // Allowed roles get past the role check to the message lookup (the conversation received nothing).
    name: "PUT reaction",
    allowed: INBOX,
    status: 404,
    call: async (o) => ({
      method: "put",
      path: `/orgs/${o}/conversations/${await f.freshConversation(o)}/messages/3EB0NEVERRECEIVED/reaction`,
      body: { emoji: "👍" },
    }),
  },
  {
    name: "GET daily stats",
    allowed: ALL,
    status: 200,
    call: async (o) => ({ method: "get", path: `/orgs/${o}/stats/daily?days=7` }),
  },
  {
    name: "GET audit log",
    allowed: ADMINS,
    status: 200,
    call: async (o) => ({ method: "get", path: `/orgs/${o}/audit-log` }),
  },
  {
    name: "GET holidays",
    allowed: ALL,
    status: 200,
    call: async (o) => ({ method: "get", path: `/orgs/${o}/holidays` }),
  },
  {
    name: "POST holiday",
    allowed: MARKETING,
    status: 201,
    call: async (o) => ({ method: "post", path: `/orgs/${o}/holidays`, body: { day: f.freshDay(), name: "Folga" } }),
  },
  {
    name: "POST holidays seed",
    allowed: MARKETING,
    status: 200,
    call: async (o) => ({ method: "post", path: `/orgs/${o}/holidays/seed`, body: { country: "BR", years: [2031] } }),
  },
  {
    name: "DELETE holiday",
    allowed: MARKETING,
    status: 204,
    call: async (o) => ({ method: "delete", path: `/orgs/${o}/holidays/${await f.freshHoliday(o)}` }),
  },
  {
    name: "GET campaign senders",
    allowed: ALL,
    status: 200,
    call: async (o) => ({ method: "get", path: `/orgs/${o}/campaigns/${(await f.freshCampaign(o)).id}/senders` }),
  },
  {
    name: "POST campaign sender",
    allowed: MARKETING,
    status: 200,
    call: async (o) => ({
      method: "post",
      path: `/orgs/${o}/campaigns/${(await f.freshCampaign(o)).id}/senders`,
      body: { instanceId: await f.freshInstance(o) },
    }),
  },
  {
    name: "DELETE campaign sender",
    allowed: MARKETING,
    status: 204,
    call: async (o) => {
      const c = await f.freshCampaign(o);
      return { method: "delete", path: `/orgs/${o}/campaigns/${c.id}/senders/${c.senderId}` };
    },
  },
];
