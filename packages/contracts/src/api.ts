import { z } from "zod";
import { ZApiKeyScope, ZOrgRole, ZWebhookDeliveryStatus } from "./enums.ts";

/**
 * REST DTOs of the orchestrator's public API (/api/v1). Request schemas are strict: unknown fields are an error,
 * not silently dropped, so a typo in an integration fails loudly instead of doing something else.
 */

/** Every machine-readable error code the API answers with; the HTTP status is fixed per code (see the app). */
export const ZErrorCode = z.enum([
  "bad_request",
  "validation_failed",
  "malformed_json",
  "payload_too_large",
  "unsupported_media_type",
  "unauthenticated",
  "invalid_token",
  "token_expired",
  "invalid_credentials",
  "account_locked",
  "refresh_token_reused",
  "forbidden",
  "insufficient_scope",
  "not_found",
  "conflict",
  "last_owner",
  "unsafe_webhook_target",
  "rate_limited",
  "service_unavailable",
  "internal",
]);
export type TErrorCode = z.infer<typeof ZErrorCode>;

/** RFC 9457 problem details, with our machine-readable `code`. */
export const ZProblem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: ZErrorCode,
    detail: z.string(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    /** Field-level problems for validation_failed: path → messages. */
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: "Problem" });
export type TProblem = z.infer<typeof ZProblem>;

const ZUuid = z.uuid();
const ZTimestamp = z.iso.datetime({ offset: true });

// ── auth ───────────────────────────────────────────────────────────────────────────────────────────────
export const ZLoginRequest = z
  .strictObject({ email: z.email().max(254), password: z.string().min(1).max(200) })
  .meta({ id: "LoginRequest", example: { email: "admin@example.com", password: "correct horse battery staple" } });
export type TLoginRequest = z.infer<typeof ZLoginRequest>;

export const ZRefreshRequest = z
  .strictObject({ refreshToken: z.string().min(20).max(200) })
  .meta({ id: "RefreshRequest" });
export type TRefreshRequest = z.infer<typeof ZRefreshRequest>;

export const ZTokenPair = z
  .object({
    accessToken: z.string(),
    tokenType: z.literal("bearer"),
    /** Seconds until the access token expires. */
    expiresIn: z.number().int(),
    refreshToken: z.string(),
    user: z.object({ id: ZUuid, email: z.string() }),
  })
  .meta({
    id: "TokenPair",
    example: {
      accessToken: "eyJhbGciOiJIUzI1NiJ9…",
      tokenType: "bearer",
      expiresIn: 900,
      refreshToken: "rt_3q2…",
      user: { id: "6f1c0a4e-1d2b-4c3a-9f1e-0a1b2c3d4e5f", email: "admin@example.com" },
    },
  });
export type TTokenPair = z.infer<typeof ZTokenPair>;

export const ZMe = z
  .object({
    kind: z.enum(["user", "api_key"]),
    userId: ZUuid,
    email: z.string().nullable(),
    /** Set for API keys: the key's organization and scopes. */
    apiKey: z.object({ id: ZUuid, orgId: ZUuid, scopes: z.array(ZApiKeyScope) }).nullable(),
    organizations: z.array(z.object({ id: ZUuid, name: z.string(), slug: z.string(), role: ZOrgRole })),
  })
  .meta({
    id: "Me",
    example: {
      kind: "user",
      userId: "6f1c0a4e-1d2b-4c3a-9f1e-0a1b2c3d4e5f",
      email: "admin@example.com",
      apiKey: null,
      organizations: [{ id: "0b7e1a52-8d0e-4a57-a1f4-5c2f8e6b9d10", name: "Acme", slug: "acme", role: "owner" }],
    },
  });
export type TMe = z.infer<typeof ZMe>;

// ── organizations and members ──────────────────────────────────────────────────────────────────────────
export const ZOrgIdParams = z.strictObject({ orgId: ZUuid });

export const ZOrganization = z
  .object({
    id: ZUuid,
    name: z.string(),
    slug: z.string(),
    timezone: z.string(),
    role: ZOrgRole,
    createdAt: ZTimestamp,
  })
  .meta({
    id: "Organization",
    example: {
      id: "0b7e1a52-8d0e-4a57-a1f4-5c2f8e6b9d10",
      name: "Acme",
      slug: "acme",
      timezone: "America/Sao_Paulo",
      role: "owner",
      createdAt: "2026-11-24T10:00:00.000Z",
    },
  });
export type TOrganization = z.infer<typeof ZOrganization>;

export const ZUpdateOrganizationRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    timezone: z.string().min(1).max(64).optional(),
  })
  .refine((v) => v.name !== undefined || v.timezone !== undefined, "at least one field is required")
  .meta({ id: "UpdateOrganizationRequest", example: { name: "Acme Brasil" } });

export const ZMember = z
  .object({ userId: ZUuid, email: z.string().nullable(), role: ZOrgRole, createdAt: ZTimestamp })
  .meta({
    id: "Member",
    example: {
      userId: "6f1c0a4e-1d2b-4c3a-9f1e-0a1b2c3d4e5f",
      email: "ops@example.com",
      role: "operator",
      createdAt: "2026-11-24T10:00:00.000Z",
    },
  });
export type TMember = z.infer<typeof ZMember>;

export const ZCreateMemberRequest = z
  .strictObject({
    email: z.email().max(254),
    role: ZOrgRole,
    /** Initial password for a user who has no account yet; omitted → the account gets no password until reset. */
    password: z.string().min(10).max(200).optional(),
  })
  .meta({ id: "CreateMemberRequest", example: { email: "ops@example.com", role: "operator" } });
export type TCreateMemberRequest = z.infer<typeof ZCreateMemberRequest>;

export const ZMemberParams = z.strictObject({ orgId: ZUuid, userId: ZUuid });
export const ZUpdateMemberRequest = z
  .strictObject({ role: ZOrgRole })
  .meta({ id: "UpdateMemberRequest", example: { role: "marketer" } });

// ── API keys ───────────────────────────────────────────────────────────────────────────────────────────
export const ZApiKey = z
  .object({
    id: ZUuid,
    name: z.string(),
    /** The visible start of the key, to tell keys apart; the key itself is shown only once, at creation. */
    prefix: z.string(),
    scopes: z.array(ZApiKeyScope),
    lastUsedAt: ZTimestamp.nullable(),
    expiresAt: ZTimestamp.nullable(),
    revokedAt: ZTimestamp.nullable(),
    createdAt: ZTimestamp,
  })
  .meta({
    id: "ApiKey",
    example: {
      id: "3d1f8a2b-6c4e-4b9a-8f7d-2e1c0b9a8d7f",
      name: "n8n",
      prefix: "mk_live_7Hq2",
      scopes: ["read", "send"],
      lastUsedAt: null,
      expiresAt: null,
      revokedAt: null,
      createdAt: "2026-11-24T10:00:00.000Z",
    },
  });
export type TApiKey = z.infer<typeof ZApiKey>;

export const ZCreateApiKeyRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    scopes: z.array(ZApiKeyScope).min(1).max(5),
    expiresAt: ZTimestamp.optional(),
  })
  .meta({ id: "CreateApiKeyRequest", example: { name: "n8n", scopes: ["read", "send"] } });

export const ZCreatedApiKey = ZApiKey.extend({
  /** The full key. Shown once: store it now, it cannot be retrieved again. */
  key: z.string(),
}).meta({ id: "CreatedApiKey" });

export const ZApiKeyParams = z.strictObject({ orgId: ZUuid, keyId: ZUuid });

// ── webhooks ───────────────────────────────────────────────────────────────────────────────────────────
export const ZWebhookEventType = z.enum([
  "instance:status",
  "message:status",
  "campaign:progress",
  "blacklist:changed",
  "instance:qr",
  "instance:health",
  "webhook:test",
]);
export type TWebhookEventType = z.infer<typeof ZWebhookEventType>;

export const ZWebhookEndpoint = z
  .object({
    id: ZUuid,
    url: z.string(),
    events: z.array(ZWebhookEventType),
    enabled: z.boolean(),
    description: z.string().nullable(),
    createdAt: ZTimestamp,
    updatedAt: ZTimestamp,
  })
  .meta({
    id: "WebhookEndpoint",
    example: {
      id: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
      url: "https://n8n.example.com/webhook/mirage",
      events: ["message:status"],
      enabled: true,
      description: "n8n",
      createdAt: "2026-11-24T10:00:00.000Z",
      updatedAt: "2026-11-24T10:00:00.000Z",
    },
  });
export type TWebhookEndpoint = z.infer<typeof ZWebhookEndpoint>;

const ZWebhookUrl = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .describe("http(s) URL; private and loopback targets are refused unless the server allows them");

export const ZCreateWebhookRequest = z
  .strictObject({
    url: ZWebhookUrl,
    /** Empty or omitted: every event. */
    events: z.array(ZWebhookEventType).max(20).default([]),
    description: z.string().max(500).optional(),
    enabled: z.boolean().default(true),
  })
  .meta({
    id: "CreateWebhookRequest",
    example: { url: "https://n8n.example.com/webhook/mirage", events: ["message:status"] },
  });
export type TCreateWebhookRequest = z.infer<typeof ZCreateWebhookRequest>;

export const ZCreatedWebhookEndpoint = ZWebhookEndpoint.extend({
  /** Signing secret (HMAC-SHA256). Shown once. */
  secret: z.string(),
}).meta({ id: "CreatedWebhookEndpoint" });

export const ZUpdateWebhookRequest = z
  .strictObject({
    url: ZWebhookUrl.optional(),
    events: z.array(ZWebhookEventType).max(20).optional(),
    description: z.string().max(500).nullable().optional(),
    enabled: z.boolean().optional(),
  })
  .meta({ id: "UpdateWebhookRequest", example: { enabled: false } });

export const ZWebhookParams = z.strictObject({ orgId: ZUuid, webhookId: ZUuid });

export const ZWebhookDelivery = z
  .object({
    id: z.number().int(),
    endpointId: ZUuid,
    eventId: ZUuid,
    eventType: z.string(),
    status: ZWebhookDeliveryStatus,
    attempts: z.number().int(),
    nextAttemptAt: ZTimestamp,
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    deliveredAt: ZTimestamp.nullable(),
    createdAt: ZTimestamp,
  })
  .meta({
    id: "WebhookDelivery",
    example: {
      id: 42,
      endpointId: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
      eventId: "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
      eventType: "message:status",
      status: "delivered",
      attempts: 1,
      nextAttemptAt: "2026-11-24T10:00:00.000Z",
      lastStatusCode: 200,
      lastError: null,
      deliveredAt: "2026-11-24T10:00:01.000Z",
      createdAt: "2026-11-24T10:00:00.000Z",
    },
  });
export type TWebhookDelivery = z.infer<typeof ZWebhookDelivery>;

export const ZWebhookDeliveryDetail = ZWebhookDelivery.extend({
  /** The event's data as it is (or was) sent, inside the envelope { id, type, orgId, createdAt, data }. */
  payload: z.record(z.string(), z.unknown()),
}).meta({
  id: "WebhookDeliveryDetail",
  example: {
    ...(ZWebhookDelivery.meta()?.example as object),
    payload: { messageId: 1201, state: "delivered", campaignId: null },
  },
});
export type TWebhookDeliveryDetail = z.infer<typeof ZWebhookDeliveryDetail>;

export const ZListDeliveriesQuery = z.strictObject({
  status: ZWebhookDeliveryStatus.optional(),
  beforeId: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const ZDeliveryParams = z.strictObject({ orgId: ZUuid, webhookId: ZUuid, deliveryId: z.coerce.number().int() });

/** The body POSTed to a webhook endpoint. `id` is stable across retries: receivers dedupe on it. */
export const ZWebhookEnvelope = z
  .object({
    id: ZUuid,
    type: z.string(),
    orgId: ZUuid,
    createdAt: ZTimestamp,
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: "WebhookEnvelope" });
export type TWebhookEnvelope = z.infer<typeof ZWebhookEnvelope>;

// ── audit log ──────────────────────────────────────────────────────────────────────────────────────────
export const ZAuditEntry = z
  .object({
    id: z.number().int(),
    actorUserId: ZUuid.nullable(),
    actorApiKeyId: ZUuid.nullable(),
    action: z.string(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()),
    ip: z.string().nullable(),
    requestId: z.string().nullable(),
    createdAt: ZTimestamp,
  })
  .meta({ id: "AuditEntry" });
export type TAuditEntry = z.infer<typeof ZAuditEntry>;

export const ZListAuditQuery = z.strictObject({
  beforeId: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** List envelope: keyset pagination with the id to pass as `beforeId` for the next page. */
export const listOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextBeforeId: z.number().int().nullable().optional() });
