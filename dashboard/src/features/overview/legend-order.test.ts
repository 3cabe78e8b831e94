import { describe, expect, it } from "vitest";
import { seriesOrder } from "./legend-order";

describe("the overview chart's legend", () => {
  it("lists the series in the bars' order, whatever their labels sort to", () => {
    const keys = ["sent", "delivered", "read", "replied"];
    const items = [
      { dataKey: "delivered", value: "Delivered" },
      { dataKey: "read", value: "Read" },
      { dataKey: "replied", value: "Replied" },
      { dataKey: "sent", value: "Sent" },
    ];
    const sorter = seriesOrder(keys);
    const sorted = [...items].sort((a, b) => sorter(a) - sorter(b)).map((i) => i.dataKey);
    expect(sorted).toEqual(keys);
  });
});
