import type { ApiKeyAuth } from "./api-keys.ts";
import type { Db } from "./client.ts";

/** An Evolution instance token: a hash of the key Evolution clients send as `apikey` for one instance. */
export type EvolutionToken = { instanceId: string; orgId: string; apiKeyId: string };

/** Under asUser (operators and up, by RLS), in the transaction that creates the instance. */
export async function insertEvolutionToken(
  db: Db,
  input: { instanceId: string; orgId: string; tokenHash: string; apiKeyId: string },
): Promise<void> {
  await db`
    insert into public.evolution_instance_tokens (instance_id, org_id, token_hash, api_key_id)
    values (${input.instanceId}, ${input.orgId}, ${input.tokenHash}, ${input.apiKeyId})`;
}

/**
 * As service: the instance a token belongs to and the API key it acts as (the one lookup before the request acts
 * under RLS as that key's principal).
 */
export async function findEvolutionToken(
  db: Db,
  tokenHash: string,
): Promise<{ token: EvolutionToken; key: ApiKeyAuth } | undefined> {
  const [row] = await db<(EvolutionToken & { key: ApiKeyAuth })[]>`
    select t.instance_id as "instanceId", t.org_id as "orgId", t.api_key_id as "apiKeyId",
           json_build_object('id', k.id, 'orgId', k.org_id, 'name', k.name, 'prefix', k.prefix, 'scopes', k.scopes,
             'lastUsedAt', k.last_used_at, 'expiresAt', k.expires_at, 'revokedAt', k.revoked_at,
             'createdAt', k.created_at, 'principalUserId', k.principal_user_id) as key
    from public.evolution_instance_tokens t join public.api_keys k on k.id = t.api_key_id
    where t.token_hash = ${tokenHash}`;
  if (!row) return undefined;
  const { key, ...token } = row;
  const date = (v: unknown) => (v ? new Date(v as string) : null);
  return {
    token,
    key: {
      ...key,
      lastUsedAt: date(key.lastUsedAt),
      expiresAt: date(key.expiresAt),
      revokedAt: date(key.revokedAt),
      createdAt: new Date(key.createdAt as unknown as string),
    },
  };
}

export type EvolutionWebhook = {
  id: string;
  instanceId: string;
  url: string;
  enabled: boolean;
  events: string[];
  byEvents: boolean;
  createdAt: Date;
  updatedAt: Date;
};

const webhookColumns = (db: Db) => db`
  id, instance_id as "instanceId", url, enabled, events, by_events as "byEvents",
  created_at as "createdAt", updated_at as "updatedAt"`;

/**
 * Under asUser (owner/admin by RLS): the instance's one Evolution-format endpoint, created or replaced. `events` are
 * Mirage event types (the outbox filters on them). Answers the row and whether it was created (it then needs a
 * signing secret).
 */
export async function upsertEvolutionWebhook(
  db: Db,
  input: {
    orgId: string;
    instanceId: string;
    url: string;
    enabled: boolean;
    events: string[];
    byEvents: boolean;
    createdBy: string | null;
  },
): Promise<{ webhook: EvolutionWebhook; created: boolean }> {
  const [row] = await db<(EvolutionWebhook & { created: boolean })[]>`
    insert into public.webhook_endpoints (org_id, url, events, enabled, description, created_by, format, instance_id,
                                          by_events)
    values (${input.orgId}, ${input.url}, ${input.events}, ${input.enabled}, 'Evolution API webhook',
            ${input.createdBy}, 'evolution', ${input.instanceId}, ${input.byEvents})
    on conflict (instance_id) where format = 'evolution' do update set
      url = excluded.url, events = excluded.events, enabled = excluded.enabled, by_events = excluded.by_events
    returning ${webhookColumns(db)}, (xmax = 0) as created`;
  if (!row) throw new Error("webhook upsert returned no row");
  const { created, ...webhook } = row;
  return { webhook, created };
}

/** Under asUser: the instance's Evolution-format endpoint, if any. */
export async function findEvolutionWebhook(
  db: Db,
  orgId: string,
  instanceId: string,
): Promise<EvolutionWebhook | undefined> {
  const [row] = await db<EvolutionWebhook[]>`
    select ${webhookColumns(db)} from public.webhook_endpoints
    where org_id = ${orgId} and instance_id = ${instanceId} and format = 'evolution'`;
  return row;
}
