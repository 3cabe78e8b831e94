import { z } from "zod";
import { ZMessageState } from "./enums.ts";

/** Payload of the `mirage_changes` pg_notify channel (see the change-notifications migration). Ids and states only. */
export const ZChangeNotification = z.object({
  table: z.enum([
    "instances",
    "instance_events",
    "campaigns",
    "outbound_messages",
    "inbound_messages",
    "conversations",
    "blacklist",
  ]),
  op: z.enum(["insert", "update", "delete"]),
  id: z.union([z.string(), z.number()]),
  org_id: z.uuid(),
  /** outbound_messages only: the state the change made, and the message's campaign and instance (no read needed). */
  state: ZMessageState.optional(),
  campaign_id: z.uuid().nullable().optional(),
  instance_id: z.uuid().nullable().optional(),
});
export type TChangeNotification = z.infer<typeof ZChangeNotification>;

export const CHANGES_CHANNEL = "mirage_changes";
