import type { TOutboundMessage } from "@mirage/contracts/messages";
import { describe, expect, it } from "vitest";
import { COUNTED, reachedCount, tileCounts } from "./counts";
import { sendTime } from "./live/recent";
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

  it("shows when a message went out: WhatsApp's acceptance, else the start of the send, else its last change", () => {
    expect(sendTime(message(400, "read", "2026-11-30T10:00:04Z", "2026-11-30T10:01:00Z"))).toBe(
      Date.parse("2026-11-30T10:00:04Z"),
    );
    expect(sendTime(message(10, "failed", null, "2026-11-30T10:00:02Z"))).toBe(Date.parse("2026-11-30T10:00:02Z"));
  });
});
