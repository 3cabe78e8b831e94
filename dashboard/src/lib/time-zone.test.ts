import { describe, expect, it } from "vitest";
import { zoneLabel as wizardZoneLabel } from "../features/campaigns/wizard/draft";
import { timeZoneOptions, zoneLabel } from "./time-zone";

describe("a time zone's label", () => {
  it("reads without IANA's underscores", () => {
    expect(zoneLabel("America/Sao_Paulo")).toBe("America/Sao Paulo");
    expect(zoneLabel("America/Argentina/Buenos_Aires")).toBe("America/Argentina/Buenos Aires");
    expect(zoneLabel("UTC")).toBe("UTC");
  });
  it("is the same helper the campaign wizard uses", () => {
    expect(wizardZoneLabel).toBe(zoneLabel);
  });
});

describe("the time zones to choose from", () => {
  it("are the runtime's, with the zone in use first when the runtime does not list it", () => {
    const list = () => ["America/Sao_Paulo", "Europe/Lisbon", "UTC"];
    expect(timeZoneOptions("Europe/Lisbon", list)).toEqual(list());
    expect(timeZoneOptions("America/Buenos_Aires", list)).toEqual(["America/Buenos_Aires", ...list()]);
    expect(timeZoneOptions("", list)).toEqual(list());
  });
  it("fall back to a short list when the runtime cannot list them", () => {
    const broken = () => {
      throw new RangeError("unsupported");
    };
    expect(timeZoneOptions("UTC", broken)).toEqual(["America/Sao_Paulo", "UTC"]);
    expect(timeZoneOptions("Asia/Tokyo", broken)).toEqual(["Asia/Tokyo", "America/Sao_Paulo", "UTC"]);
  });
  it("include the real ones by default", () => {
    expect(timeZoneOptions("America/Sao_Paulo")).toContain("America/Sao_Paulo");
  });
  it("always offer UTC, which V8 does not list, so an organization that left it can come back", () => {
    const v8 = () => ["America/Sao_Paulo", "Europe/Lisbon"];
    expect(timeZoneOptions("Europe/Lisbon", v8)).toEqual(["America/Sao_Paulo", "Europe/Lisbon", "UTC"]);
    expect(timeZoneOptions("America/Sao_Paulo")).toContain("UTC");
  });
});
