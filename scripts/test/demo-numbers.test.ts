import { describe, expect, it } from "vitest";
import { type DemoInstance, demoNumberLines } from "../stack/demo-numbers.ts";

const inst = (name: string, linkedPhone: string | null, status = "connected", phone = linkedPhone): DemoInstance => ({
  name,
  phone,
  linkedPhone,
  status,
});

describe("the simulator banner's demo numbers", () => {
  it("a first start suggests pairing sales-1 and the campaign with it", () => {
    expect(demoNumberLines([])).toEqual([
      "Pair a demo number   ./mirage pair sales-1 --sim-phone 5511999990001",
      "Demo campaign        ./mirage campaign start demo --senders sales-1 --watch",
    ]);
  });

  it("after pairing, it names the paired numbers whatever their status and suggests the next free name and phone", () => {
    const lines = demoNumberLines([
      inst("sales-1", "+5511999990001", "connected"),
      inst("e2e", "+5511988880001", "connecting"),
      inst("sales-3", null, "qr_pending", null),
    ]);
    expect(lines).toEqual([
      "Paired numbers       sales-1 +5511999990001 (connected)",
      "                     e2e +5511988880001 (connecting)",
      "Pair another number  ./mirage pair sales-2 --sim-phone 5511999990002",
      "Demo campaign        ./mirage campaign start demo --senders sales-1,e2e --watch",
    ]);
  });

  it("skips a virtual phone another instance already uses, even under another name", () => {
    const lines = demoNumberLines([inst("shop", "+5511999990001")]);
    expect(lines).toContain("Pair another number  ./mirage pair sales-2 --sim-phone 5511999990002");
  });

  it("suggests what the demo campaign's state allows: start, watch, resume, or look at a finished one", () => {
    const last = (status?: string) => demoNumberLines([inst("sales-1", "+5511999990001")], status).at(-1);
    expect(last()).toBe("Demo campaign        ./mirage campaign start demo --senders sales-1 --watch");
    expect(last("draft")).toBe("Demo campaign        ./mirage campaign start demo --senders sales-1 --watch");
    expect(last("running")).toBe("Demo campaign        running: ./mirage campaign watch demo");
    expect(last("paused")).toBe("Demo campaign        paused: ./mirage campaign resume demo");
    expect(last("completed")).toBe(
      "Demo campaign        completed: ./mirage campaign show demo (or make your own in the dashboard's Campaigns page)",
    );
    expect(demoNumberLines([], "cancelled").at(-1)).toMatch(/^Demo campaign {8}cancelled: /);
  });
});
