import { describe, expect, it } from "vitest";
import { withDashboardOrigins } from "../stack/cors.ts";

describe("the local stack's CORS origins", () => {
  it("keep what is configured and add the dashboard's origins on the port it listens on, once", () => {
    expect(withDashboardOrigins("http://127.0.0.1:3000,http://localhost:3000", "3100")).toBe(
      "http://127.0.0.1:3000,http://localhost:3000,http://127.0.0.1:3100,http://localhost:3100",
    );
    expect(withDashboardOrigins("http://127.0.0.1:3000, http://localhost:3000", "3000")).toBe(
      "http://127.0.0.1:3000,http://localhost:3000",
    );
    expect(withDashboardOrigins(undefined, "3000")).toBe("http://127.0.0.1:3000,http://localhost:3000");
    expect(withDashboardOrigins("https://app.example.com,,", "3000")).toBe(
      "https://app.example.com,http://127.0.0.1:3000,http://localhost:3000",
    );
  });
});
