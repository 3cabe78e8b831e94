import { describe, expect, it } from "vitest";
import { createLead } from "./lead.ts";

describe("write lead (running lateness of campaign writes)", () => {
  it("starts at 0, is seeded by the first write, then follows recent lateness by its weight", () => {
    const lead = createLead(0.2, 1_000);
    expect(lead.ms()).toBe(0);
    lead.observe(100);
    expect(lead.ms()).toBe(100);
    lead.observe(200);
    expect(lead.ms()).toBe(120);
    for (let i = 0; i < 60; i++) lead.observe(40);
    expect(lead.ms()).toBe(40);
  });

  it("never goes below 0 nor above its bound, whatever one write took", () => {
    const lead = createLead(0.5, 1_000);
    lead.observe(-300);
    expect(lead.ms()).toBe(0);
    lead.observe(60_000);
    expect(lead.ms()).toBe(500);
    for (let i = 0; i < 40; i++) lead.observe(60_000);
    expect(lead.ms()).toBe(1_000);
    lead.observe(Number.NaN);
    expect(lead.ms()).toBe(1_000);
  });
});
