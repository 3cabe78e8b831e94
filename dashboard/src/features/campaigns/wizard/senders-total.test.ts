import { describe, expect, it } from "vitest";
import { sendersTotalMessage, senderWarningKey } from "./senders-total";

describe("the chosen numbers' total for today", () => {
  it("says the messages wait when the numbers have nothing left today, not 'about 0 messages'", () => {
    expect(sendersTotalMessage(1, 0).key).toBe("totalNone");
    expect(sendersTotalMessage(2, 35)).toEqual({ key: "total", values: { count: 2, left: 35 } });
    expect(sendersTotalMessage(0, 0).key).toBe("total");
  });
});

describe("a sender's warning", () => {
  it("says why a number takes no messages: restricted and degraded ones are connected", () => {
    expect(senderWarningKey("connected")).toBeNull();
    expect(senderWarningKey("restricted")).toBe("restricted");
    expect(senderWarningKey("degraded")).toBe("degraded");
    expect(senderWarningKey("logged_out")).toBe("notConnected");
    expect(senderWarningKey("connecting")).toBe("notConnected");
  });
});
