import { describe, expect, it } from "vitest";
import { sendersTotalMessage } from "./senders-total";

describe("the chosen numbers' total for today", () => {
  it("says the messages wait when the numbers have nothing left today, not 'about 0 messages'", () => {
    expect(sendersTotalMessage(1, 0).key).toBe("totalNone");
    expect(sendersTotalMessage(2, 35)).toEqual({ key: "total", values: { count: 2, left: 35 } });
    expect(sendersTotalMessage(0, 0).key).toBe("total");
  });
});
