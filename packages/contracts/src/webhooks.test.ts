import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ZCreateWebhookRequest, ZUpdateWebhookRequest } from "./webhooks.ts";

type Doc = { $defs: Record<string, { properties: Record<string, { description?: string }> }> };

describe("webhook endpoint requests", () => {
  it("say in the API document that an empty events list means every event", () => {
    for (const [schema, id] of [
      [ZCreateWebhookRequest, "CreateWebhookRequest"],
      [ZUpdateWebhookRequest, "UpdateWebhookRequest"],
    ] as const) {
      const doc = z.toJSONSchema(schema, { io: "input" }) as unknown as Doc;
      expect(doc.$defs[id]?.properties.events?.description).toMatch(/empty list .* every event/);
    }
  });
});
