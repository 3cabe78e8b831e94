import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { DetailField } from "./detail-field";

describe("a number's detail field", () => {
  it("wraps its value instead of cutting it (the warm-up note read '…em ca')", () => {
    const html = renderToStaticMarkup(createElement(DetailField, { label: "Sent today", value: "warm-up day 3" }));
    expect(html).toContain("warm-up day 3");
    expect(html).not.toMatch(/truncate|text-ellipsis|whitespace-nowrap/);
    expect(html).toMatch(/wrap-break-word/);
  });
});
