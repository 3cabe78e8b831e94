import { describe, expect, it } from "vitest";
import { zoneLabel as wizardZoneLabel } from "../features/campaigns/wizard/draft";
import { zoneLabel } from "./time-zone";

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
