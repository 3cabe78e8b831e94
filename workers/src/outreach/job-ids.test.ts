import { describe, expect, it } from "vitest";
import { writeJobId, writeJobMessageId } from "./job-ids.ts";

describe("write job ids", () => {
  it("are keyed by number and message, and give the message back", () => {
    const a = writeJobId("4548e788-b313-484c-be0c-35aebd409a22", 1234);
    const b = writeJobId("a61bb6e7-15ed-4e4f-896e-942dece3c692", 1234);
    expect(a).not.toBe(b);
    expect(writeJobMessageId(a)).toBe(1234);
    expect(writeJobMessageId(b)).toBe(1234);
  });

  it("answer undefined for step jobs and malformed ids", () => {
    expect(writeJobMessageId("4548e788-b313-484c-be0c-35aebd409a22-1764505200000")).toBeUndefined();
    expect(writeJobMessageId("write-")).toBeUndefined();
    expect(writeJobMessageId("write-x-abc")).toBeUndefined();
  });
});
