import { describe, expect, it } from "vitest";
import { qrRefetchInterval, readQrFromApi } from "./qr-polling";

const now = Date.parse("2026-11-30T12:00:00Z");
const at = (ms: number) => new Date(now + ms).toISOString();

describe("add number: where the QR comes from", () => {
  it("with the socket live the API is not asked (before the first QR it answered 404, in the console)", () => {
    expect(readQrFromApi("live", false)).toBe(false);
    const quiet = { connection: "live" as const, socketSilent: false, live: undefined, fetchedAt: 0, shown: null, now };
    expect(qrRefetchInterval(quiet)).toBe(false);
    // …unless the socket brought no QR in time: then the API is the fallback.
    expect(readQrFromApi("live", true)).toBe(true);
    expect(qrRefetchInterval({ ...quiet, socketSilent: true })).toBe(1500);
  });
  it("without the socket the API is polled until a QR, then again when it expires", () => {
    expect(readQrFromApi("connecting", false)).toBe(true);
    expect(readQrFromApi("reconnecting", false)).toBe(true);
    const base = { connection: "reconnecting" as const, socketSilent: false, live: undefined, fetchedAt: now, now };
    expect(qrRefetchInterval({ ...base, shown: null })).toBe(1500);
    expect(qrRefetchInterval({ ...base, shown: { expiresAt: at(20_000) } })).toBe(20_000);
    expect(qrRefetchInterval({ ...base, shown: { expiresAt: at(-1) } })).toBe(1500);
    // A newer QR from the socket, still valid: nothing to ask.
    const live = { qr: "2@x", expiresAt: at(30_000), receivedAt: now + 1 };
    expect(qrRefetchInterval({ ...base, live, shown: null })).toBe(false);
  });
});
