import { z } from "zod";

/** Payload of the `mirage_changes` pg_notify channel (see the change-notifications migration). Ids only. */
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
});
export type TChangeNotification = z.infer<typeof ZChangeNotification>;

export const CHANGES_CHANNEL = "mirage_changes";
