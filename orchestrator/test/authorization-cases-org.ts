import { randomUUID } from "node:crypto";
import { ADMINS, ALL, type Case, type FreshTargets } from "./authorization-fixtures.ts";

/** The organization itself: settings, members, invitations, API keys, webhooks. */
export const orgCases = (f: FreshTargets): Case[] => [
  { name: "GET org", allowed: ALL, status: 200, call: async (o) => ({ method: "get", path: `/orgs/${o}` }) },
  {
    name: "PATCH org",
    allowed: ADMINS,
    status: 200,
    call: async (o) => ({ method: "patch", path: `/orgs/${o}`, body: { timezone: "America/Sao_Paulo" } }),
  },
  {
    name: "GET members",
    allowed: ALL,
    status: 200,
    call: async (o) => ({ method: "get", path: `/orgs/${o}/members` }),
  },
  {
    name: "POST invitation",
    allowed: ADMINS,
    status: 201,
    call: async (o) => ({
      method: "post",
      path: `/orgs/${o}/invitations`,
      body: { email: `${randomUUID()}@new.test`, role: "viewer" },
    }),
  },
  {
    name: "DELETE invitation",
    allowed: ADMINS,
    status: 200,
    call: async (o) => ({ method: "delete", path: `/orgs/${o}/invitations/${await f.freshInvitation(o)}` }),
  },
  {
    name: "GET invitations",
    allowed: ADMINS,
    status: 200,
    call: async (o) => ({ method: "get", path: `/orgs/${o}/invitations` }),
  },
  {
    name: "PATCH member role",
    allowed: ADMINS,
    status: 200,
    call: async (o) => ({
      method: "patch",
      path: `/orgs/${o}/members/${await f.freshMember(o)}`,
      body: { role: "marketer" },
    }),
  },
  {
    name: "DELETE member",
    allowed: ADMINS,
    status: 204,
    call: async (o) => ({ method: "delete", path: `/orgs/${o}/members/${await f.freshMember(o)}` }),
  },
  {
    name: "GET api keys",
    allowed: ADMINS,
    status: 200,
    call: async (o) => ({ method: "get", path: `/orgs/${o}/api-keys` }),
  },
  {
    name: "POST api key",
    allowed: ADMINS,
    status: 201,
    call: async (o) => ({ method: "post", path: `/orgs/${o}/api-keys`, body: { name: "n8n", scopes: ["read"] } }),
  },
  {
    name: "DELETE api key",
    allowed: ADMINS,
    status: 200,
    call: async (o) => ({ method: "delete", path: `/orgs/${o}/api-keys/${await f.freshKey(o)}` }),
  },
  {
    name: "GET webhooks",
    allowed: ADMINS,
    status: 200,
    call: async (o) => ({ method: "get", path: `/orgs/${o}/webhooks` }),
  },
  {
    name: "POST webhook",
    allowed: ADMINS,
    status: 201,
    call: async (o) => ({
      method: "post",
      path: `/orgs/${o}/webhooks`,
      body: { url: "http://127.0.0.1:9/hook", enabled: false },
    }),
  },
  {
    name: "GET webhook",
    allowed: ADMINS,
    status: 200,
    call: async (o) => ({ method: "get", path: `/orgs/${o}/webhooks/${(await f.freshWebhook(o)).id}` }),
  },
  {
    name: "PATCH webhook",
    allowed: ADMINS,
    status: 200,
    call: async (o) => ({
      method: "patch",
      path: `/orgs/${o}/webhooks/${(await f.freshWebhook(o)).id}`,
      body: { description: "x" },
    }),
  },
  {
    name: "DELETE webhook",
    allowed: ADMINS,
    status: 204,
    call: async (o) => ({ method: "delete", path: `/orgs/${o}/webhooks/${(await f.freshWebhook(o)).id}` }),
  },
  {
    name: "POST rotate webhook secret",
    allowed: ADMINS,
    status: 200,
    call: async (o) => ({ method: "post", path: `/orgs/${o}/webhooks/${(await f.freshWebhook(o)).id}/rotate-secret` }),
  },
  {
    name: "POST webhook test event",
    allowed: ADMINS,
    status: 202,
    call: async (o) => {
      const w = await f.freshWebhook(o);
      await f.admin()`update public.webhook_endpoints set enabled = true where id = ${w.id}`;
      return { method: "post", path: `/orgs/${o}/webhooks/${w.id}/test` };
    },
  },
  {
    name: "GET deliveries",
    allowed: ADMINS,
    status: 200,
    call: async (o) => ({ method: "get", path: `/orgs/${o}/webhooks/${(await f.freshWebhook(o)).id}/deliveries` }),
  },
  {
    name: "GET delivery",
    allowed: ADMINS,
    status: 200,
    call: async (o) => {
      const w = await f.freshWebhook(o);
      return { method: "get", path: `/orgs/${o}/webhooks/${w.id}/deliveries/${w.deliveryId}` };
    },
  },
  {
    name: "POST redeliver",
    allowed: ADMINS,
    status: 202,
    call: async (o) => {
      const w = await f.freshWebhook(o);
      return { method: "post", path: `/orgs/${o}/webhooks/${w.id}/deliveries/${w.deliveryId}/redeliver` };
    },
  },
  {
    name: "GET contacts",
    allowed: ALL,
    status: 200,
    call: async (o) => ({ method: "get", path: `/orgs/${o}/contacts` }),
  },
];
