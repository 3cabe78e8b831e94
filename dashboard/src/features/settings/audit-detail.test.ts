import { describe, expect, it } from "vitest";
import { auditDetailText } from "./audit-detail";

describe("an audit entry's detail on one line", () => {
  it("joins keys and values, arrays by commas, nested objects as JSON, leaving empty ones out", () => {
    expect(auditDetailText({ scopes: ["read", "messages:send"], via: "evolution" })).toBe(
      "scopes: read, messages:send · via: evolution",
    );
    expect(auditDetailText({ added: 3, existing: 0, rejected: null, reason: "" })).toBe("added: 3 · existing: 0");
    expect(auditDetailText({ caps: { hourly: 20 } })).toBe('caps: {"hourly":20}');
    expect(auditDetailText({})).toBe("");
    expect(auditDetailText(null)).toBe("");
  });

  it("names the keys it has words for, and leaves the others as the API names them", () => {
    const label = (k: string) => (k === "added" ? "adicionados" : k);
    expect(auditDetailText({ added: 3, via: "evolution" }, 300, label)).toBe("adicionados: 3 · via: evolution");
  });

  it("names the values it has words for: a member by email, a status in the page's language", () => {
    const value = (k: string, v: string) =>
      k === "assignedTo" && v === "u-1" ? "ana@loja.com" : k === "status" && v === "closed" ? "fechada" : v;
    expect(
      auditDetailText({ status: "closed", assignedTo: "u-1", tags: ["vip", "closed"], count: 2 }, 300, (k) => k, value),
    ).toBe("status: fechada · assignedTo: ana@loja.com · tags: vip, closed · count: 2");
  });

  it("cuts a long detail with an ellipsis", () => {
    const text = auditDetailText({ note: "x".repeat(500) }, 50);
    expect(text).toHaveLength(50);
    expect(text.endsWith("…")).toBe(true);
  });
});
