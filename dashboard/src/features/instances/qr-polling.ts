import type { ConnectionState, LiveQr } from "@/lib/realtime";

/** How long a live socket may stay silent before the API is asked anyway (a relay handover can drop an event). */
export const SOCKET_GRACE_MS = 10_000;

/**
 * Whether the "Add number" dialog reads the QR from the API. While the socket is live every QR reaches the page on
 * it (the store listens to the whole organization from page load, so one published before the dialog opened is there
 * too), and asking the API before the worker has drawn the first one only earns a 404 — logged in the browser's
 * console each poll. Without the socket (still connecting, or reconnecting), or when it brought no QR within
 * SOCKET_GRACE_MS (`socketSilent`), the API is the way to a QR.
 */
export function readQrFromApi(connection: ConnectionState, socketSilent: boolean): boolean {
  return connection !== "live" || socketSilent;
}

/**
 * How soon to ask the API again (ms), or false: not while the socket is live and in time; otherwise until the first
 * QR, and again once the shown one expired, unless the socket brought a newer one still valid.
 */
export function qrRefetchInterval(input: {
  connection: ConnectionState;
  socketSilent: boolean;
  live: LiveQr | undefined;
  fetchedAt: number;
  shown: { expiresAt: string } | null | undefined;
  now: number;
}): number | false {
  const { live, shown, now } = input;
  if (!readQrFromApi(input.connection, input.socketSilent)) return false;
  if (live && live.receivedAt > input.fetchedAt && Date.parse(live.expiresAt ?? "") > now) return false;
  if (!shown) return 1500;
  const left = Date.parse(shown.expiresAt) - now;
  return left > 0 ? Math.max(1000, left) : 1500;
}
