import type { TWebhookEndpoint } from "@mirage/contracts/webhooks";
import { describe, expect, it } from "vitest";
import { shownEvents } from "./webhook-events";

describe("webhook endpoints: the events a row lists", () => {
  it("an Evolution-format endpoint lists the Evolution events it was given, not the Mirage events they come from", () => {
    const events: TWebhookEndpoint["events"] = [
      "MESSAGES_UPSERT",
      "SEND_MESSAGE",
      "MESSAGES_UPDATE",
      "message:inbound",
      "message:status",
    ];
    expect(shownEvents({ format: "evolution", events })).toEqual([
      "MESSAGES_UPSERT",
      "SEND_MESSAGE",
      "MESSAGES_UPDATE",
    ]);
  });
  it("a Mirage endpoint lists its events as stored (none: every event)", () => {
    expect(shownEvents({ format: "mirage", events: ["message:status"] })).toEqual(["message:status"]);
    expect(shownEvents({ format: "mirage", events: [] })).toEqual([]);
  });
});
