import { CHANGES_CHANNEL, type TChangeNotification, ZChangeNotification } from "@mirage/contracts/changes";
import type { Pool } from "./client.ts";

/**
 * Subscribes to the change notifications the triggers emit. postgres.js keeps one dedicated LISTEN connection
 * and re-subscribes after reconnects. Malformed payloads are reported, never thrown into the connection.
 */
export async function listenChanges(
  db: Pool,
  onChange: (change: TChangeNotification) => void,
  onInvalid: (payload: string, error: unknown) => void = () => {},
): Promise<{ unlisten: () => Promise<void> }> {
  const meta = await db.listen(CHANGES_CHANNEL, (payload) => {
    try {
      onChange(ZChangeNotification.parse(JSON.parse(payload)));
    } catch (error) {
      onInvalid(payload, error);
    }
  });
  return { unlisten: () => meta.unlisten() };
}
