import { describe, expect, it } from "vitest";
import { errorDetail, errorMessage, sameWords } from "./error-detail";

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

describe("error message", () => {
  it("is the reason's sentence alone, else the generic line with the API's detail under it, else the generic line", () => {
    const generic = "The server does not accept this kind of content.";
    expect(errorMessage({ reason: "This is a spreadsheet workbook.", detail: "a ZIP archive", generic })).toEqual({
      title: "This is a spreadsheet workbook.",
      detail: undefined,
    });
    expect(errorMessage({ detail: "send the body as application/json", generic })).toEqual({
      title: generic,
      detail: "send the body as application/json",
    });
    expect(errorMessage({ reason: " ", detail: "", generic })).toEqual({ title: generic, detail: undefined });
  });
  it("says the same thing once, compared without case or final punctuation, in the catalogue's words", () => {
    expect(sameWords("Wrong email or password.", "wrong email or password")).toBe(true);
    expect(sameWords("Done!", " done ")).toBe(true);
    expect(sameWords("Wrong email", "Wrong password")).toBe(false);
    expect(errorMessage({ detail: "wrong email or password", generic: "Wrong email or password." })).toEqual({
      title: "Wrong email or password.",
      detail: undefined,
    });
  });
});
