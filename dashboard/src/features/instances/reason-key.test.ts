import { describe, expect, it } from "vitest";
import { loadCatalogue } from "../../i18n/catalogue";
import { reasonKey, STATUS_REASON_KEYS } from "./reason-key";

describe("a number's status reasons", () => {
  it("carry their close code as a value", () => {
    expect(reasonKey("reconnecting_after_428")).toEqual({ key: "reconnecting_after", values: { code: "428" } });
    expect(reasonKey("reconnect_attempts_exhausted:408")).toEqual({
      key: "reconnect_attempts_exhausted",
      values: { code: "408" },
    });
    expect(reasonKey("worker_lost")).toEqual({ key: "worker_lost" });
  });

  it("have words in both languages (the history showed worker_lost as written)", async () => {
    for (const locale of ["en", "pt-BR"] as const) {
      const reasons = (await loadCatalogue(locale)).reasons as Record<string, string>;
      expect(STATUS_REASON_KEYS.filter((k) => !reasons[k])).toEqual([]);
    }
  });
});
