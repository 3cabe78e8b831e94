import type { TWebhookDeliveryStatus } from "@mirage/contracts/enums";
import type { Db } from "./client.ts";

export type WebhookEndpoint = {
  id: string;
  orgId: string;
  url: string;
  events: string[];
  enabled: boolean;
  description: string | null;
  /** `evolution`: made by the Evolution compatibility routes, for one instance (`instanceId`), edited there. */
  format: "mirage" | "evolution";
  instanceId: string | null;
  createdAt: Date;
  updatedAt: Date;
};

const endpointColumns = (db: Db) => db`
  id, org_id as "orgId", url, events, enabled, description, format, instance_id as "instanceId",
  created_at as "createdAt", updated_at as "updatedAt"`;

/** Under asUser (owner/admin by RLS). */
export async function insertWebhookEndpoint(
  db: Db,
  input: {
    orgId: string;
    url: string;
    events: string[];
    enabled: boolean;
    description?: string | null;
    createdBy?: string | null;
  },
): Promise<WebhookEndpoint> {
  const [row] = await db<WebhookEndpoint[]>`
    insert into public.webhook_endpoints (org_id, url, events, enabled, description, created_by)
    values (${input.orgId}, ${input.url}, ${input.events}, ${input.enabled}, ${input.description ?? null},
            ${input.createdBy ?? null})
    returning ${endpointColumns(db)}`;
  if (!row) throw new Error("webhook insert returned no row");
  return row;
}

/** Under asUser: stores the endpoint's encrypted signing secret (see private.set_webhook_secret). */
export async function setWebhookSecret(
  db: Db,
  input: { endpointId: string; keyId: string; ciphertext: Buffer },
): Promise<void> {
  await db`select private.set_webhook_secret(${input.endpointId}, ${input.keyId}, ${input.ciphertext})`;
}

export async function listWebhookEndpoints(db: Db, orgId: string): Promise<WebhookEndpoint[]> {
  return db<WebhookEndpoint[]>`
    select ${endpointColumns(db)} from public.webhook_endpoints where org_id = ${orgId} order by created_at, id`;
}

export async function findWebhookEndpoint(
  db: Db,
  input: { orgId: string; id: string },
): Promise<WebhookEndpoint | undefined> {
  const [row] = await db<WebhookEndpoint[]>`
    select ${endpointColumns(db)} from public.webhook_endpoints where org_id = ${input.orgId} and id = ${input.id}`;
  return row;
}

export async function updateWebhookEndpoint(
  db: Db,
  input: { orgId: string; id: string; url?: string; events?: string[]; enabled?: boolean; description?: string | null },
): Promise<WebhookEndpoint | undefined> {
  const [row] = await db<WebhookEndpoint[]>`
    update public.webhook_endpoints set
      url = coalesce(${input.url ?? null}, url),
      events = coalesce(${input.events ?? null}::text[], events),
      enabled = coalesce(${input.enabled ?? null}::boolean, enabled),
      description = case when ${input.description !== undefined} then ${input.description ?? null} else description end
    where org_id = ${input.orgId} and id = ${input.id}
    returning ${endpointColumns(db)}`;
  return row;
}

export async function deleteWebhookEndpoint(db: Db, input: { orgId: string; id: string }): Promise<boolean> {
  const result = await db`delete from public.webhook_endpoints where org_id = ${input.orgId} and id = ${input.id}`;
  return result.count === 1;
}

/**
 * Writes an event into the outbox for every matching endpoint of the organization, in the caller's transaction
 * (so the event exists exactly when its cause committed). Works asUser (owner/admin) or as service.
 */
export async function enqueueWebhookEvent(
  db: Db,
  input: { orgId: string; type: string; payload: Record<string, unknown>; endpointId?: string },
): Promise<number[]> {
  const rows = await db<{ id: number }[]>`
    select private.enqueue_webhook_event(${input.orgId}, ${input.type}, ${db.json(input.payload as never)},
                                         ${input.endpointId ?? null}) as id`;
  return rows.map((r) => r.id);
}

export type WebhookDelivery = {
  id: number;
  orgId: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  status: TWebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
};

const deliveryColumns = (db: Db) => db`
  id, org_id as "orgId", endpoint_id as "endpointId", event_id as "eventId", event_type as "eventType", status, attempts,
  next_attempt_at as "nextAttemptAt", last_status_code as "lastStatusCode", last_error as "lastError",
  delivered_at as "deliveredAt", created_at as "createdAt"`;

export async function listWebhookDeliveries(
  db: Db,
  input: { orgId: string; endpointId: string; status?: TWebhookDeliveryStatus; beforeId?: number; limit: number },
): Promise<WebhookDelivery[]> {
  return db<WebhookDelivery[]>`
    select ${deliveryColumns(db)} from public.webhook_deliveries
    where org_id = ${input.orgId} and endpoint_id = ${input.endpointId}
      ${input.status ? db`and status = ${input.status}` : db``}
      ${input.beforeId ? db`and id < ${input.beforeId}` : db``}
    order by id desc limit ${input.limit}`;
}

export async function findWebhookDelivery(
  db: Db,
  input: { orgId: string; endpointId: string; id: number },
): Promise<WebhookDelivery | undefined> {
  const [row] = await db<WebhookDelivery[]>`
    select ${deliveryColumns(db)} from public.webhook_deliveries
    where org_id = ${input.orgId} and endpoint_id = ${input.endpointId} and id = ${input.id}`;
  return row;
}

/** Under asUser: one delivery with its payload (for inspecting a dead letter before redelivering it). */
export async function findWebhookDeliveryDetail(
  db: Db,
  input: { orgId: string; endpointId: string; id: number },
): Promise<(WebhookDelivery & { payload: Record<string, unknown> }) | undefined> {
  const [row] = await db<(WebhookDelivery & { payload: Record<string, unknown> })[]>`
    select ${deliveryColumns(db)}, payload from public.webhook_deliveries
    where org_id = ${input.orgId} and endpoint_id = ${input.endpointId} and id = ${input.id}`;
  return row;
}

/** Under asUser (owner/admin) or service: back to pending; answers false when the caller cannot see it. */
export async function requestWebhookRedelivery(db: Db, id: number): Promise<boolean> {
  const [row] = await db<{ ok: boolean }[]>`select private.request_webhook_redelivery(${id}) as ok`;
  return row?.ok === true;
}

// ── service work: the dispatcher and the delivery processor ────────────────────────────────────────────

/**
 * Claims due pending deliveries (pending → delivering) so exactly one dispatcher enqueues each; SKIP LOCKED lets
 * replicas claim different rows. Also reclaims deliveries stuck in delivering/failed longer than `staleAfterMs`
 * (their job was lost with Redis): delivery is at-least-once, receivers dedupe on the event id.
 */
export async function claimDueWebhookDeliveries(
  db: Db,
  input: { limit: number; staleAfterMs: number },
): Promise<{ id: number; attempts: number }[]> {
  return db<{ id: number; attempts: number }[]>`
    update public.webhook_deliveries d set status = 'delivering'
    where d.id in (
      select id from public.webhook_deliveries
      where (status = 'pending' and next_attempt_at <= now())
         or (status in ('delivering', 'failed')
             and updated_at < now() - make_interval(secs => ${input.staleAfterMs / 1000}))
      order by next_attempt_at, id
      limit ${input.limit}
      for update skip locked
    )
    returning d.id, d.attempts`;
}

export type DeliveryWork = WebhookDelivery & {
  payload: Record<string, unknown>;
  url: string;
  enabled: boolean;
  secretKeyId: string | null;
  secretCiphertext: Buffer | null;
  /** False for secrets sealed before they were bound to their endpoint (no associated data). */
  secretAadBound: boolean | null;
  /** The body format the endpoint receives: Mirage's envelope, or Evolution API's events. */
  format: "mirage" | "evolution";
  /** Evolution endpoints: the instance they belong to, and whether each event goes to `<url>/<event-name>`. */
  instanceId: string | null;
  byEvents: boolean;
  instanceName: string | null;
  /** The endpoint's event filter (Evolution endpoints list their Evolution event names there too). */
  endpointEvents: string[];
};

export async function findDeliveryWork(db: Db, id: number): Promise<DeliveryWork | undefined> {
  const [row] = await db<DeliveryWork[]>`
    select d.id, d.org_id as "orgId", d.endpoint_id as "endpointId", d.event_id as "eventId",
           d.event_type as "eventType", d.status, d.attempts, d.next_attempt_at as "nextAttemptAt",
           d.last_status_code as "lastStatusCode", d.last_error as "lastError", d.delivered_at as "deliveredAt",
           d.created_at as "createdAt", d.payload, e.url, e.enabled, s.key_id as "secretKeyId",
           s.ciphertext as "secretCiphertext", s.aad_bound as "secretAadBound",
           e.format, e.instance_id as "instanceId", e.by_events as "byEvents", i.name as "instanceName",
           e.events as "endpointEvents"
    from public.webhook_deliveries d
    join public.webhook_endpoints e on e.id = d.endpoint_id
    left join public.webhook_endpoint_secrets s on s.endpoint_id = d.endpoint_id
    left join public.instances i on i.id = e.instance_id
    where d.id = ${id}`;
  return row;
}

export async function recordDeliveryAttempt(
  db: Db,
  input: {
    id: number;
    status: Extract<TWebhookDeliveryStatus, "delivered" | "failed" | "dead">;
    statusCode: number | null;
    error: string | null;
    nextAttemptAt?: Date;
  },
): Promise<void> {
  await db`
    update public.webhook_deliveries set
      status = ${input.status},
      attempts = attempts + 1,
      last_status_code = ${input.statusCode},
      last_error = ${input.error},
      delivered_at = case when ${input.status} = 'delivered' then now() else delivered_at end,
      next_attempt_at = coalesce(${input.nextAttemptAt ?? null}, next_attempt_at)
    where id = ${input.id}`;
}

export type StoredWebhookSecret = { endpointId: string; keyId: string; ciphertext: Buffer; aadBound: boolean };

/**
 * Service: secrets that need re-encrypting — sealed without associated data, or under a key other than
 * `activeKeyId` (a retired key). At most `limit` rows, oldest first.
 */
export async function listWebhookSecretsToRewrap(
  db: Db,
  input: { activeKeyId: string; limit: number },
): Promise<StoredWebhookSecret[]> {
  return db<StoredWebhookSecret[]>`
    select endpoint_id as "endpointId", key_id as "keyId", ciphertext, aad_bound as "aadBound"
    from public.webhook_endpoint_secrets
    where not aad_bound or key_id <> ${input.activeKeyId}
    order by created_at, endpoint_id limit ${input.limit}`;
}

/**
 * Service: replaces a secret's ciphertext (same secret, new sealing) only if it is still the one that was read, so
 * a rotation by an admin in the meantime is never overwritten. True when the row was replaced.
 */
export async function rewrapWebhookSecret(
  db: Db,
  input: { endpointId: string; previous: Buffer; keyId: string; ciphertext: Buffer },
): Promise<boolean> {
  const r = await db`
    update public.webhook_endpoint_secrets set key_id = ${input.keyId}, ciphertext = ${input.ciphertext}, aad_bound = true
    where endpoint_id = ${input.endpointId} and ciphertext = ${input.previous}`;
  return r.count === 1;
}
