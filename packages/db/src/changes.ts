import { CHANGES_CHANNEL, type TChangeNotification, ZChangeNotification } from "@mirage/contracts/changes";
import type { Db, Pool } from "./client.ts";

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

/**
 * Inside a transaction: its row changes send no change notification (see private.notify_change); the caller
 * publishes the realtime events itself after the commit. A notifying commit is serialized with every other one on
 * the server, so the send API's hot transaction avoids it. Transaction-local: the next transaction notifies again.
 */
export async function publishEventsMyself(db: Db): Promise<void> {
  await db`select set_config('mirage.events_published', 'on', true)`;
}
