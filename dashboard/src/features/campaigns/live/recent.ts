import type { TOutboundMessage } from "@mirage/contracts/messages";

/**
 * "Recent sends" of a campaign: the latest messages by the time they went out, as the API orders them
 * (GET …/campaigns/{id}/recent-sends; message ids follow the plan, number by number, not the order of sending).
 */

/** How many the list shows. */
export const RECENT_COUNT = 15;

/** When the message went out: WhatsApp's acceptance, else the start of the send, else its last change. */
export function sendTime(m: TOutboundMessage): number {
  const step = m.history.find((s) => s.state === "sent") ?? m.history.find((s) => s.state === "sending");
  return Date.parse(step?.at ?? m.updatedAt);
}
