import type { TOutboundMessage } from "@mirage/contracts/messages";
import { describe, expect, it } from "vitest";
import { COUNTED, reachedCount, tileCounts } from "./counts";
import { latestSends, sendTime } from "./live/recent";
import { defaultZone, emptyDraft, requestOf } from "./wizard/draft";

describe("campaign wizard: time zone", () => {
  it("a new campaign starts in the organization's zone, else the browser's, else UTC", () => {
    expect(defaultZone("America/Sao_Paulo", "Europe/Berlin")).toBe("America/Sao_Paulo");
    expect(defaultZone(null, "Europe/Berlin")).toBe("Europe/Berlin");
    expect(defaultZone(undefined, "Europe/Berlin")).toBe("Europe/Berlin");
    // A zone this browser does not know is skipped, not sent to the API.
    expect(defaultZone("Mars/Olympus_Mons", "Europe/Berlin")).toBe("Europe/Berlin");
    expect(defaultZone(null, null)).toBe("UTC");
    expect(defaultZone("", "Nowhere/Else")).toBe("UTC");
  });
  it("the draft carries the zone it was given into the request", () => {
    const draft = emptyDraft("America/Sao_Paulo");
    expect(draft.timezone).toBe("America/Sao_Paulo");
    expect(requestOf({ ...draft, name: "x" }).timezone).toBe("America/Sao_Paulo");
  });
});

describe("campaign live view: counts", () => {
  const counts = {
    queued: 2,
    sending: 0,
    sent: 0,
    delivered: 3,
    read: 5,
    replied: 1,
    failed: 1,
    skipped: 1,
    cancelled: 0,
    unknown: 0,
  };
  it("the Sent tile is the header's figure: delivered and read messages were sent too", () => {
    const tiles = tileCounts(counts);
    expect(reachedCount(counts)).toBe(8);
    expect(tiles.sent).toBe(8);
    expect(tiles.delivered).toBe(8);
    expect(tiles.read).toBe(5);
    expect(tiles.queued).toBe(2);
    expect(tiles.failed).toBe(1);
    expect(Object.keys(tiles)).toEqual(expect.arrayContaining([...COUNTED]));
  });
});

describe("campaign live view: recent sends", () => {
  const message = (id: number, state: TOutboundMessage["state"], sentAt: string | null, updatedAt: string) =>
    ({
      id,
      state,
      updatedAt,
      history: [
        { state: "queued", at: "2026-11-30T09:00:00.000Z" },
        ...(sentAt
          ? [
              { state: "sending", at: sentAt },
              { state: "sent", at: sentAt },
            ]
          : []),
        ...(state === "sent" || state === "failed" ? [] : [{ state, at: updatedAt }]),
      ],
    }) as unknown as TOutboundMessage;

  it("orders by the time a message went out, not by id (ids follow the plan)", () => {
    const sent = [message(900, "sent", "2026-11-30T10:00:05Z", "2026-11-30T10:00:05Z")];
    const delivered = [
      message(950, "delivered", "2026-11-30T10:00:01Z", "2026-11-30T10:00:09Z"),
      message(120, "delivered", "2026-11-30T10:00:03Z", "2026-11-30T10:00:04Z"),
    ];
    const read = [message(400, "read", "2026-11-30T10:00:04Z", "2026-11-30T10:01:00Z")];
    const failed = [message(10, "failed", null, "2026-11-30T10:00:02Z")];
    expect(latestSends([sent, delivered, read, failed]).map((m) => m.id)).toEqual([900, 400, 120, 10, 950]);
    expect(sendTime(read[0] as TOutboundMessage)).toBe(Date.parse("2026-11-30T10:00:04Z"));
    expect(latestSends([sent, delivered, read, failed], 2).map((m) => m.id)).toEqual([900, 400]);
  });

  it("a message read in two states between two reads counts once, in its later state", () => {
    const asSent = message(7, "sent", "2026-11-30T10:00:05Z", "2026-11-30T10:00:05Z");
    const asDelivered = message(7, "delivered", "2026-11-30T10:00:05Z", "2026-11-30T10:00:06Z");
    const out = latestSends([[asSent], [asDelivered]]);
    expect(out).toHaveLength(1);
    expect(out[0]?.state).toBe("delivered");
  });
});
