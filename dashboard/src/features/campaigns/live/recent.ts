import type { TMessageState } from "@mirage/contracts/enums";
import type { TOutboundMessage } from "@mirage/contracts/messages";

/**
 * "Recent sends" of a campaign: the latest messages by the time they went out.
 *
 * The messages list (GET /orgs/:org/messages) has no sort: it is newest id first, and a campaign's ids follow its
 * plan (every recipient is planned at start, number by number), not the order of sending — the highest ids are the
 * last planned, mostly still waiting. It filters by state, though: the list reads the top of each state a sent
 * message can be in, merges them and sorts by send time, here in the browser. Within a number the plan's order is
 * the sending order, so the latest sends are at the top of their state's list, at least for the last-planned
 * numbers of the campaign; a sort by send time in the API would make this one exact request.
 */
export const RECENT_STATES = ["sent", "delivered", "read", "failed"] as const satisfies readonly TMessageState[];

/** How many the list shows (and reads per state). */
export const RECENT_COUNT = 15;

/** When the message went out: WhatsApp's acceptance, else the start of the send, else its last change. */
export function sendTime(m: TOutboundMessage): number {
  const step = m.history.find((s) => s.state === "sent") ?? m.history.find((s) => s.state === "sending");
  return Date.parse(step?.at ?? m.updatedAt);
}

/**
 * The `count` latest sends of `pages` (one page per state, read at about the same time: a message that changed state
 * in between may be in two, and its later copy wins), latest first.
 */
export function latestSends(pages: TOutboundMessage[][], count = RECENT_COUNT): TOutboundMessage[] {
  const byId = new Map<number, TOutboundMessage>();
  for (const m of pages.flat()) {
    const seen = byId.get(m.id);
    if (!seen || Date.parse(m.updatedAt) > Date.parse(seen.updatedAt)) byId.set(m.id, m);
  }
  return [...byId.values()].sort((a, b) => sendTime(b) - sendTime(a) || b.id - a.id).slice(0, count);
}
