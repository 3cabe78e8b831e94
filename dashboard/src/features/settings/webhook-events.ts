import { EVOLUTION_EVENTS } from "@mirage/contracts/evolution";
import type { TWebhookEndpoint } from "@mirage/contracts/webhooks";

/**
 * The events an endpoint's row lists. An Evolution-format endpoint stores Mirage's source events next to the Evolution
 * names it was given (the outbox filters on the former), so it shows only the Evolution names it receives; an empty
 * list means every event.
 */
export function shownEvents(e: Pick<TWebhookEndpoint, "format" | "events">): string[] {
  if (e.format !== "evolution") return e.events;
  return e.events.filter((x) => (EVOLUTION_EVENTS as readonly string[]).includes(x));
}
