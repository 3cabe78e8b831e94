import { z } from "zod";
import { CREATED_AT, ORG_ID, pageQuery, UPDATED_AT, ZTimestamp, ZUuid } from "./common.ts";
import { ZWebhookDeliveryStatus } from "./enums.ts";
import { ZEvolutionEvent } from "./evolution.ts";

export const ZWebhookEventType = z.enum([
  "instance:status",
  "message:status",
  "message:inbound",
  "message:updated",
  "campaign:progress",
  "blacklist:changed",
  "instance:qr",
  "instance:health",
  "webhook:test",
]);
export type TWebhookEventType = z.infer<typeof ZWebhookEventType>;

export const ZWebhookEndpoint = z
  .object({
    id: ZUuid.describe("The endpoint's id."),
    orgId: ZUuid.describe(ORG_ID),
    url: z.string().describe("The http(s) URL events are POSTed to."),
    events: z
      .array(z.union([ZWebhookEventType, ZEvolutionEvent]))
      .describe(
        "The events it receives (empty: every one): Mirage's event types, or, on an Evolution-format endpoint, " +
          "Evolution's event names.",
      ),
    enabled: z.boolean().describe("false: nothing is delivered to it."),
    description: z.string().nullable().describe("A note to tell endpoints apart; null: none."),
    format: z
      .enum(["mirage", "evolution"])
      .describe(
        "`mirage`: Mirage's signed JSON envelope. `evolution`: set up by the Evolution API compatibility routes " +
          "(`POST /evolution/webhook/set/{instance}`) for one instance, in Evolution's body format; edited there.",
      ),
    instanceId: ZUuid.nullable().describe(
      "The one instance whose events it receives (Evolution-format endpoints); null: every instance.",
    ),
    createdAt: ZTimestamp.describe(CREATED_AT),
    updatedAt: ZTimestamp.describe(UPDATED_AT),
  })
  .meta({
    id: "WebhookEndpoint",
    example: {
      id: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
      orgId: "0b7e1a52-8d0e-4a57-a1f4-5c2f8e6b9d10",
      url: "https://n8n.example.com/webhook/mirage",
      events: ["message:status"],
      enabled: true,
      description: "n8n",
      format: "mirage",
      instanceId: null,
      createdAt: "2026-11-24T10:00:00.000Z",
      updatedAt: "2026-11-24T10:00:00.000Z",
    },
  });
export type TWebhookEndpoint = z.infer<typeof ZWebhookEndpoint>;

const ZWebhookUrl = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .describe("http(s) URL; private and loopback targets are refused unless the server allows them");

/** In the API document too: an empty list reads as "no events" to anyone who has not read this file. */
const EVENTS_HELP = "The events delivered to this endpoint; an empty list (or none given) means every event";
/** What `enabled: false` does (the dispatcher and the delivery job check it). */
const DISABLED_HELP =
  "false: nothing is delivered to the endpoint (no deliveries are queued for it, and pending ones end `dead`; " +
  "once it is enabled again, redeliver them with POST …/deliveries/{deliveryId}/redeliver)";

export const ZCreateWebhookRequest = z
  .strictObject({
    url: ZWebhookUrl,
    events: z.array(ZWebhookEventType).max(20).default([]).describe(EVENTS_HELP),
    description: z.string().max(500).optional().describe("A note to tell endpoints apart (up to 500 characters)."),
    enabled: z.boolean().default(true).describe(`${DISABLED_HELP}; default true.`),
  })
  .meta({
    id: "CreateWebhookRequest",
    example: { url: "https://n8n.example.com/webhook/mirage", events: ["message:status"] },
  });
export type TCreateWebhookRequest = z.infer<typeof ZCreateWebhookRequest>;

export const ZCreatedWebhookEndpoint = ZWebhookEndpoint.extend({
  secret: z
    .string()
    .describe("The signing secret (HMAC-SHA256 of each body), shown only in this answer (and on rotation)."),
}).meta({ id: "CreatedWebhookEndpoint" });

export const ZUpdateWebhookRequest = z
  .strictObject({
    url: ZWebhookUrl.optional(),
    events: z
      .array(ZWebhookEventType)
      .max(20)
      .optional()
      .describe("The events delivered to this endpoint, replacing its list; an empty list means every event"),
    description: z
      .string()
      .max(500)
      .nullable()
      .optional()
      .describe("A note to tell endpoints apart (up to 500 characters); null removes it."),
    enabled: z.boolean().optional().describe(`${DISABLED_HELP}; true delivers again.`),
  })
  .meta({ id: "UpdateWebhookRequest", example: { enabled: false } });

export const ZWebhookParams = z.strictObject({ orgId: ZUuid, webhookId: ZUuid });

export const ZWebhookDelivery = z
  .object({
    id: z.number().int().describe("The delivery's id (increasing)."),
    orgId: ZUuid.describe(ORG_ID),
    endpointId: ZUuid.describe("The endpoint it is delivered to."),
    eventId: ZUuid.describe("The event's id (the envelope's `id`, the same on every retry)."),
    eventType: z.string().describe("The event's type, e.g. message:status."),
    status: ZWebhookDeliveryStatus.describe(
      "`pending` (not attempted yet), `delivering` (an attempt under way), `delivered`, `failed` (the last attempt " +
        "failed; another is due at `nextAttemptAt`) or `dead` (no more attempts).",
    ),
    attempts: z.number().int().describe("How many attempts were made."),
    nextAttemptAt: ZTimestamp.describe(
      "When the next attempt is due while `pending` or `failed` (ISO 8601 with offset); otherwise when the last one " +
        "was due.",
    ),
    lastStatusCode: z
      .number()
      .int()
      .nullable()
      .describe("The HTTP status of the last attempt; null: no attempt yet, or no HTTP answer."),
    lastError: z
      .string()
      .nullable()
      .describe(
        "What went wrong on the last attempt, or why the delivery ended without a request (`not subscribed`: an " +
          "Evolution-format endpoint that did not ask for this event); null: nothing.",
      ),
    deliveredAt: ZTimestamp.nullable().describe("When the endpoint accepted it (ISO 8601 with offset); null: not yet."),
    createdAt: ZTimestamp.describe(CREATED_AT),
  })
  .meta({
    id: "WebhookDelivery",
    example: {
      id: 42,
      orgId: "0b7e1a52-8d0e-4a57-a1f4-5c2f8e6b9d10",
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
  payload: z
    .record(z.string(), z.unknown())
    .describe("The event's data as it is (or was) sent, inside the envelope { id, type, orgId, createdAt, data }."),
}).meta({
  id: "WebhookDeliveryDetail",
  example: {
    ...(ZWebhookDelivery.meta()?.example as object),
    payload: { messageId: 1201, state: "delivered", campaignId: null },
  },
});
export type TWebhookDeliveryDetail = z.infer<typeof ZWebhookDeliveryDetail>;

export const ZListDeliveriesQuery = pageQuery({ defaultLimit: 50, maxLimit: 200 }).extend({
  status: ZWebhookDeliveryStatus.optional(),
});
export const ZDeliveryParams = z.strictObject({
  orgId: ZUuid,
  webhookId: ZUuid,
  deliveryId: z.coerce.number().int().positive(),
});

export const ZWebhookTestResponse = z
  .object({
    deliveryIds: z
      .array(z.number().int())
      .describe("The queued deliveries of the webhook:test event to this endpoint (see …/deliveries/{deliveryId})."),
  })
  .meta({ id: "WebhookTestResponse", example: { deliveryIds: [43] } });

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
