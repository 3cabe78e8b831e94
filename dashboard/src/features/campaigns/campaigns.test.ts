import type { TOutboundMessage } from "@mirage/contracts/messages";
import { describe, expect, it } from "vitest";
import { COUNTED, campaignRowLine, nextSendAt, reachedCount, tileCounts } from "./counts";
import { sendTime } from "./live/recent";
import { statusReasonMessage } from "./status-reason";
import { audienceCountPlan } from "./wizard/audience-count";
import { defaultZone, emptyDraft, isoToZoned, requestOf, zonedToIso, zoneLabel } from "./wizard/draft";

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
  it("the zone reads one way wherever the wizard says it", () => {
    expect(zoneLabel("America/Sao_Paulo")).toBe("America/Sao Paulo");
    expect(zoneLabel("America/Argentina/Buenos_Aires")).toBe("America/Argentina/Buenos Aires");
    expect(zoneLabel("UTC")).toBe("UTC");
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

  it('the list says when a scheduled campaign starts, not its empty progress ("0 of 0 done")', () => {
    expect(campaignRowLine({ status: "scheduled", startsAt: "2026-12-02T12:00:00.000Z" })).toBe("startsAt");
    expect(campaignRowLine({ status: "draft", startsAt: "2026-12-02T12:00:00.000Z" })).toBe("draft");
    expect(campaignRowLine({ status: "running", startsAt: "2026-12-02T12:00:00.000Z" })).toBe("progress");
    expect(campaignRowLine({ status: "scheduled", startsAt: null })).toBe("progress");
  });

  const sender = (nextSendAt: string | null, active = true) => ({ active, nextSendAt });
  it("a scheduled campaign's next send is its start, not the numbers' slots of today", () => {
    const senders = [sender("2026-12-01T00:45:00.000Z"), sender("2026-12-01T00:50:00.000Z")];
    const starts = "2026-12-02T12:00:00.000Z";
    expect(nextSendAt({ status: "scheduled", senders } as never, starts)).toBe(Date.parse(starts));
    expect(nextSendAt({ status: "scheduled", senders: [] } as never, starts)).toBe(Date.parse(starts));
    expect(nextSendAt({ status: "running", senders } as never, starts)).toBe(Date.parse("2026-12-01T00:45:00.000Z"));
    expect(
      nextSendAt({ status: "running", senders: [sender(null), sender("2026-12-01T01:00:00Z", false)] } as never, null),
    ).toBeNull();
    expect(nextSendAt({ status: "paused", senders } as never, null)).toBeNull();
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

describe("campaign wizard: start and end on the campaign's clock", () => {
  it("a wall time in the campaign's zone becomes the right instant, whatever the browser's zone", () => {
    expect(zonedToIso("2026-12-01T09:00", "America/Sao_Paulo")).toBe("2026-12-01T12:00:00.000Z");
    expect(zonedToIso("2026-12-01T09:00", "UTC")).toBe("2026-12-01T09:00:00.000Z");
    expect(zonedToIso("2026-12-01T09:00", "Asia/Kolkata")).toBe("2026-12-01T03:30:00.000Z");
    // Summer and winter time in one zone.
    expect(zonedToIso("2026-07-01T09:00", "Europe/Berlin")).toBe("2026-07-01T07:00:00.000Z");
    expect(zonedToIso("2026-01-15T09:00", "Europe/Berlin")).toBe("2026-01-15T08:00:00.000Z");
    expect(zonedToIso("", "UTC")).toBeNull();
  });
  it("around daylight-saving changes: a skipped time moves forward, a repeated one is its first occurrence", () => {
    // New York springs forward 2026-03-08 02:00 → 03:00 and falls back 2026-11-01 02:00 → 01:00.
    expect(zonedToIso("2026-03-08T02:30", "America/New_York")).toBe("2026-03-08T07:30:00.000Z");
    expect(zonedToIso("2026-11-01T01:30", "America/New_York")).toBe("2026-11-01T05:30:00.000Z");
  });
  it("a saved campaign's instants come back as the same wall times, and go out unchanged", () => {
    for (const [iso, zone, wall] of [
      ["2026-12-01T12:00:00.000Z", "America/Sao_Paulo", "2026-12-01T09:00"],
      ["2026-12-31T23:30:00.000Z", "Asia/Tokyo", "2027-01-01T08:30"],
      ["2026-07-01T07:00:00.000Z", "Europe/Berlin", "2026-07-01T09:00"],
    ] as const) {
      expect(isoToZoned(iso, zone)).toBe(wall);
      expect(zonedToIso(wall, zone)).toBe(iso);
    }
    expect(isoToZoned(null, "UTC")).toBe("");
  });
  it("the request carries start and end as instants read on the campaign's zone", () => {
    const draft = { ...emptyDraft("America/Sao_Paulo"), startsAt: "2026-12-01T09:00", endsAt: "2026-12-02T18:00" };
    const body = requestOf(draft);
    expect(body.startsAt).toBe("2026-12-01T12:00:00.000Z");
    expect(body.endsAt).toBe("2026-12-02T21:00:00.000Z");
    expect(requestOf(emptyDraft("UTC")).startsAt).toBeNull();
  });
});

describe("campaign wizard: audience count", () => {
  const seg = (filter: object) => ({ filter });
  it("counts exactly when the API's filter can express the union", () => {
    expect(audienceCountPlan(["a", "b"], [])).toEqual({ exact: true, terms: [{ inListsAny: ["a", "b"] }] });
    expect(audienceCountPlan([], [seg({ tagsAny: ["vip"] })])).toEqual({ exact: true, terms: [{ tagsAny: ["vip"] }] });
    // Lists plus one segment: the lists' people, plus the segment's people in none of those lists.
    expect(audienceCountPlan(["a"], [seg({ tagsAny: ["vip"], notInLists: ["z"] })])).toEqual({
      exact: true,
      terms: [{ inListsAny: ["a"] }, { tagsAny: ["vip"], notInLists: ["z", "a"] }],
    });
  });
  it("several segments cannot be unioned by an AND filter: an upper bound only", () => {
    expect(audienceCountPlan([], [seg({ tagsAny: ["a"] }), seg({ tagsAny: ["b"] })])).toEqual({ exact: false });
  });
});

describe("campaign status reason", () => {
  const counts = { sent: 1, delivered: 2, read: 3, skipped: 0, failed: 0, cancelled: 0 };
  it("a finished campaign says everyone was reached only when nobody was skipped or left unsent", () => {
    expect(statusReasonMessage("done", "completed", counts)).toEqual({ key: "doneAll", values: { reached: 6 } });
    expect(statusReasonMessage("done", "completed", { ...counts, skipped: 2, failed: 1 })).toEqual({
      key: "doneSome",
      values: { reached: 6, skipped: 2, failed: 1 },
    });
    expect(statusReasonMessage("done", "completed")).toEqual({ key: "done" });
  });
  it("a member's pause or cancel is said with the status, their note kept; unknown reasons as given", () => {
    expect(statusReasonMessage("user", "paused")).toEqual({ key: "pausedBy" });
    expect(statusReasonMessage("user: stock ran out", "paused")).toEqual({
      key: "pausedByWithNote",
      values: { note: "stock ran out" },
    });
    expect(statusReasonMessage("user", "cancelled")).toEqual({ key: "cancelledBy" });
    expect(statusReasonMessage("no_healthy_sender", "paused")).toEqual({ key: "no_healthy_sender" });
    expect(statusReasonMessage("something_new", "paused")).toEqual({ raw: "something_new" });
    expect(statusReasonMessage(null, "running")).toBeNull();
  });
});
