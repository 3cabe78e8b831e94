/**
 * A status or health reason as a catalogue key (`reasons.*`) and its values. Two reasons carry a code after a fixed
 * part (the WhatsApp close code): `reconnecting_after_428`, `reconnect_attempts_exhausted:408`; the others are keys
 * as they are. The history of a number listed "worker_lost" and "reconnecting_after_428" as written.
 */
export function reasonKey(reason: string): { key: string; values?: { code: string } } {
  const reconnecting = /^reconnecting_after_(.+)$/.exec(reason);
  if (reconnecting) return { key: "reconnecting_after", values: { code: reconnecting[1] ?? "" } };
  const exhausted = /^reconnect_attempts_exhausted:(.+)$/.exec(reason);
  if (exhausted) return { key: "reconnect_attempts_exhausted", values: { code: exhausted[1] ?? "" } };
  return { key: reason };
}

/**
 * The reasons the workers and the orchestrator write into a number's status (workers/src/sessions/*.ts,
 * orchestrator/src/instances/instance-control.ts, placement), as keys: each has words in both catalogues.
 */
export const STATUS_REASON_KEYS = [
  "worker_lost",
  "stopped_by_user",
  "logged_out_by_user",
  "deleted",
  "auth_state_unreadable",
  "qr_attempts_exhausted",
  "linked_phone_mismatch",
  "reconnecting_after",
  "reconnect_attempts_exhausted",
  "logged_out",
  "multidevice_mismatch",
  "banned",
  "connection_replaced",
  "qr_not_scanned",
  "reach_out_timelock",
  "new_chat_cap",
  "not_delivering",
] as const;
