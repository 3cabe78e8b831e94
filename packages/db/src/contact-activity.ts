import type { Db } from "./client.ts";

/** What one contact took part in, for the contact page: conversations and the campaigns that wrote to them. */

export type ContactConversationRow = {
  id: string;
  instanceId: string;
  status: string;
  unreadCount: number;
  lastMessageAt: Date;
  lastMessageDirection: "in" | "out" | null;
  lastMessagePreview: string | null;
};

export type ContactCampaignRow = {
  campaignId: string;
  name: string;
  status: string;
  messages: number;
  lastState: string;
  lastAt: Date;
};

/** The contact's conversations (by contact id), most recently active first; at most `limit`. */
export async function contactConversations(
  db: Db,
  orgId: string,
  contactId: string,
  limit = 50,
): Promise<ContactConversationRow[]> {
  return db<ContactConversationRow[]>`
    select c.id, c.instance_id as "instanceId", c.status, c.unread_count as "unreadCount",
      c.last_message_at as "lastMessageAt", c.last_message_direction as "lastMessageDirection",
      c.last_message_preview as "lastMessagePreview"
    from public.conversations c
    where c.org_id = ${orgId} and c.contact_id = ${contactId}
    order by c.last_message_at desc, c.id desc limit ${limit}`;
}

/**
 * Campaigns that have messages for the contact (by contact id), newest activity first; per campaign the number of
 * messages and the state of the latest one. At most `limit`.
 */
export async function contactCampaigns(
  db: Db,
  orgId: string,
  contactId: string,
  limit = 50,
): Promise<ContactCampaignRow[]> {
  return db<ContactCampaignRow[]>`
    select m.campaign_id as "campaignId", k.name, k.status::text as status, count(*)::int as messages,
      (array_agg(m.state::text order by m.updated_at desc))[1] as "lastState", max(m.updated_at) as "lastAt"
    from public.outbound_messages m
    join public.campaigns k on k.org_id = m.org_id and k.id = m.campaign_id
    where m.org_id = ${orgId} and m.contact_id = ${contactId} and m.campaign_id is not null
    group by m.campaign_id, k.name, k.status
    order by max(m.updated_at) desc limit ${limit}`;
}
