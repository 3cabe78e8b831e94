import { randomUUID } from "node:crypto";
import type { TOrgRole } from "@mirage/contracts/enums";
import type postgres from "postgres";

export const ROLES: TOrgRole[] = ["owner", "admin", "operator", "marketer", "viewer"];
export const ALL = ROLES;
export const ADMINS: TOrgRole[] = ["owner", "admin"];
export const MARKETING: TOrgRole[] = ["owner", "admin", "marketer"];
export const SENDERS: TOrgRole[] = ["owner", "admin", "operator"];
// The inbox is worked by marketers (answering their campaigns' replies), operators and above.
export const INBOX: TOrgRole[] = ["owner", "admin", "operator", "marketer"];

/** One row of the authorization matrix: who may call it (status when allowed; 403 otherwise, 404 from another org). */
export type Case = {
  name: string;
  allowed: TOrgRole[];
  status: number;
  call: (orgId: string) => Promise<{ method: string; path: string; body?: unknown }>;
};

/**
 * Fresh targets per call, created as superuser through `admin()`, so every call of the matrix finds its target
 * whatever earlier calls did; `nextSeq()` numbers unique phone numbers.
 */
export function freshTargets(admin: () => postgres.Sql) {
  let phoneSeq = 0;
  const nextSeq = () => ++phoneSeq;

  async function freshMember(orgId: string): Promise<string> {
    const [u] = await admin()<
      { id: string }[]
    >`insert into auth.users (email) values (${`${randomUUID()}@x.test`}) returning id`;
    if (!u) throw new Error("no user");
    await admin()`insert into public.organization_members (org_id, user_id, role) values (${orgId}, ${u.id}, 'viewer')`;
    return u.id;
  }
  async function freshInvitation(orgId: string): Promise<string> {
    const [i] = await admin()<{ id: string }[]>`
      insert into public.organization_invitations (org_id, email, role, token_hash, expires_at)
      values (${orgId}, ${`${randomUUID()}@invited.test`}, 'viewer', ${randomUUID()}, now() + interval '1 day')
      returning id`;
    return i?.id ?? "";
  }
  async function freshKey(orgId: string): Promise<string> {
    const tag = randomUUID().replaceAll("-", "");
    const [k] = await admin()<{ id: string }[]>`
      insert into public.api_keys (org_id, name, prefix, key_hash, scopes)
      values (${orgId}, 'k', ${`mk_${tag.slice(0, 8)}`}, ${tag}, '{read}') returning id`;
    return k?.id ?? "";
  }
  async function freshWebhook(orgId: string): Promise<{ id: string; deliveryId: number }> {
    const [w] = await admin()<{ id: string }[]>`
      insert into public.webhook_endpoints (org_id, url, enabled) values (${orgId}, 'http://127.0.0.1:9/hook', false)
      returning id`;
    if (!w) throw new Error("no webhook");
    const [d] = await admin()<{ id: number }[]>`
      insert into public.webhook_deliveries (org_id, endpoint_id, event_type, payload, status)
      values (${orgId}, ${w.id}, 'instance:status', '{}', 'dead') returning id`;
    return { id: w.id, deliveryId: Number(d?.id) };
  }

  async function freshQueuedMessage(orgId: string): Promise<number> {
    const [m] = await admin()<{ id: number }[]>`
      insert into public.outbound_messages (org_id, recipient_phone, body, source)
      values (${orgId}, '+5511960009999', 'Oi', 'api') returning id`;
    return Number(m?.id);
  }
  async function freshContact(orgId: string): Promise<string> {
    phoneSeq++;
    const [c] = await admin()<{ id: string }[]>`
      insert into public.contacts (org_id, phone_e164) values (${orgId}, ${`+55119${String(70000000 + phoneSeq)}`})
      returning id`;
    return c?.id ?? "";
  }
  async function freshRow(table: "contact_lists" | "segments" | "message_templates", orgId: string): Promise<string> {
    const name = randomUUID();
    const [r] =
      table === "message_templates"
        ? await admin()<{ id: string }[]>`
            insert into public.message_templates (org_id, name, body) values (${orgId}, ${name}, 'Oi {{name}}') returning id`
        : await admin()<{ id: string }[]>`
            insert into ${admin()(`public.${table}`)} (org_id, name) values (${orgId}, ${name}) returning id`;
    return r?.id ?? "";
  }
  async function freshBlacklist(orgId: string): Promise<string> {
    const [r] = await admin()<{ id: string }[]>`
      insert into public.blacklist (org_id, wa_lid) values (${orgId}, ${`${randomUUID().slice(0, 8).replace(/\D/g, "1")}@lid`})
      returning id`;
    return r?.id ?? "";
  }

  let daySeq = 0;
  /** A day no earlier call used (holidays are unique per day and country). */
  const freshDay = () => {
    daySeq++;
    return new Date(Date.UTC(2031, 0, daySeq)).toISOString().slice(0, 10);
  };
  async function freshHoliday(orgId: string): Promise<string> {
    const [r] = await admin()<{ id: string }[]>`
      insert into public.holidays (org_id, day, name) values (${orgId}, ${freshDay()}::date, 'x') returning id`;
    return r?.id ?? "";
  }
  async function freshInstance(orgId: string): Promise<string> {
    const [r] = await admin()<{ id: string }[]>`
      insert into public.instances (org_id, name) values (${orgId}, ${randomUUID()}) returning id`;
    return r?.id ?? "";
  }
  /** A draft campaign with one number in its pool. */
  async function freshCampaign(orgId: string): Promise<{ id: string; senderId: string }> {
    const [c] = await admin()<{ id: string }[]>`
      insert into public.campaigns (org_id, name) values (${orgId}, ${randomUUID()}) returning id`;
    const senderId = await freshInstance(orgId);
    await admin()`insert into public.campaign_senders (campaign_id, instance_id, org_id)
      values (${c?.id ?? ""}, ${senderId}, ${orgId})`;
    return { id: c?.id ?? "", senderId };
  }

  async function freshConversation(orgId: string): Promise<string> {
    const [i] = await admin()<{ id: string }[]>`
      insert into public.instances (org_id, name, status) values (${orgId}, ${randomUUID()}, 'stopped') returning id`;
    phoneSeq++;
    const [c] = await admin()<{ id: string }[]>`
      insert into public.conversations (org_id, instance_id, peer_phone)
      values (${orgId}, ${i?.id ?? ""}, ${`+55119${String(60000000 + phoneSeq)}`}) returning id`;
    return c?.id ?? "";
  }

  return {
    admin,
    nextSeq,
    freshDay,
    freshMember,
    freshInvitation,
    freshKey,
    freshWebhook,
    freshQueuedMessage,
    freshContact,
    freshRow,
    freshBlacklist,
    freshHoliday,
    freshInstance,
    freshCampaign,
    freshConversation,
  };
}

export type FreshTargets = ReturnType<typeof freshTargets>;
