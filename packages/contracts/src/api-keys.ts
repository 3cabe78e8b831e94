import { z } from "zod";
import { CREATED_AT, ZTimestamp, ZUuid } from "./common.ts";
import { ZApiKeyScope, ZApiKeyScopeInput } from "./enums.ts";

export const ZApiKey = z
  .object({
    id: ZUuid.describe("The key's id."),
    orgId: ZUuid.describe("The one organization the key acts in."),
    name: z.string().describe("A name to tell keys apart."),
    prefix: z
      .string()
      .describe("The visible start of the key, to tell keys apart; the key itself is shown only once, at creation."),
    scopes: z.array(ZApiKeyScope).describe("What the key may do."),
    lastUsedAt: ZTimestamp.nullable().describe(
      "When the key last authenticated a request (ISO 8601 with offset, to within a minute); null: never.",
    ),
    expiresAt: ZTimestamp.nullable().describe("When the key stops working (ISO 8601 with offset); null: never."),
    revokedAt: ZTimestamp.nullable().describe("When the key was revoked (ISO 8601 with offset); null: it was not."),
    createdAt: ZTimestamp.describe(CREATED_AT),
  })
  .meta({
    id: "ApiKey",
    example: {
      id: "3d1f8a2b-6c4e-4b9a-8f7d-2e1c0b9a8d7f",
      orgId: "0b7e1a52-8d0e-4a57-a1f4-5c2f8e6b9d10",
      name: "n8n",
      prefix: "mk_7Hq2aB9x",
      scopes: ["read", "messages:send"],
      lastUsedAt: null,
      expiresAt: null,
      revokedAt: null,
      createdAt: "2026-11-24T10:00:00.000Z",
    },
  });
export type TApiKey = z.infer<typeof ZApiKey>;

export const ZCreateApiKeyRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(100).describe("A name to tell keys apart (1–100 characters)."),
    scopes: z
      .array(ZApiKeyScopeInput)
      .min(1)
      .max(6)
      .describe(
        "What the key may do: `read` (reading), `messages:send` (sending, the inbox, the blacklist), `instances` " +
          "(managing numbers), `campaigns` (campaigns and the audience), `admin` (everything); `send` is stored as " +
          "`messages:send`.",
      ),
    expiresAt: ZTimestamp.optional().describe(
      "When the key stops working (ISO 8601 with offset, in the future); absent: it never expires.",
    ),
  })
  .meta({ id: "CreateApiKeyRequest", example: { name: "n8n", scopes: ["read", "messages:send"] } });

export const ZCreatedApiKey = ZApiKey.extend({
  key: z.string().describe("The full key, shown only in this answer: store it now, it cannot be retrieved again."),
}).meta({ id: "CreatedApiKey" });

export const ZApiKeyParams = z.strictObject({ orgId: ZUuid, keyId: ZUuid });
