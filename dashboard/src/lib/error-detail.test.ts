import { describe, expect, it } from "vitest";
import { errorDetail } from "./error-detail";

describe("error detail", () => {
  it("says a refused webhook URL's reason once, not again as the field's error", () => {
    expect(
      errorDetail("refused webhook target: 127.0.0.1 is a loopback address", [
        { path: "body.url", message: "127.0.0.1 is a loopback address" },
      ]),
    ).toBe("refused webhook target: 127.0.0.1 is a loopback address");
  });
  it("keeps field errors that add something, named without the request part", () => {
    expect(
      errorDetail("request validation failed", [
        { path: "body.name", message: "Too small: expected string to have >=1 characters" },
        { path: "query.limit", message: "must be at most 100" },
      ]),
    ).toBe(
      "request validation failed — name: Too small: expected string to have >=1 characters; limit: must be at most 100",
    );
    expect(errorDetail("", [{ path: "body", message: "invalid JSON" }])).toBe("invalid JSON");
  });
  it("nothing to say is undefined; the same field error twice is said once", () => {
    expect(errorDetail(undefined, undefined)).toBeUndefined();
    expect(errorDetail("  ", [])).toBeUndefined();
    expect(
      errorDetail("bad", [
        { path: "body.x", message: "no" },
        { path: "body.x", message: "no" },
      ]),
    ).toBe("bad — x: no");
  });
});
