import { describe, expect, it } from "vitest";
import { encodeFrame, FrameReader } from "../src/transport/frames.ts";

const INTRO = Buffer.from([0x57, 0x41, 6, 3]);

describe("FrameReader", () => {
  it("reads the WA intro, then length-prefixed frames split across chunks", () => {
    const reader = new FrameReader();
    const wire = Buffer.concat([INTRO, encodeFrame(Buffer.from("hello")), encodeFrame(Buffer.from("world!"))]);
    expect(reader.push(wire.subarray(0, 6))).toEqual([]);
    expect(reader.header?.equals(INTRO)).toBe(true);
    const frames = reader.push(wire.subarray(6));
    expect(frames.map((f) => f.toString())).toEqual(["hello", "world!"]);
  });

  it("skips an 'ED' routing header before the intro", () => {
    const routing = Buffer.from([1, 2, 3]);
    const ed = Buffer.concat([Buffer.from([0x45, 0x44, 0, 1]), Buffer.from([0, 0, routing.length]), routing]);
    const reader = new FrameReader();
    const frames = reader.push(Buffer.concat([ed, INTRO, encodeFrame(Buffer.from("x"))]));
    expect(reader.header?.equals(INTRO)).toBe(true);
    expect(frames.map((f) => f.toString())).toEqual(["x"]);
  });

  it("rejects a stream that is not WhatsApp Web", () => {
    expect(() => new FrameReader().push(Buffer.from("GET / HTTP/1.1"))).toThrow(/bad intro/);
  });
});
