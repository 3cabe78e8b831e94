import { z } from "zod";
import { ZTimestamp, ZUuid } from "./common.ts";

export const ZAuditEntry = z
  .object({
    id: z.number().int(),
    actorUserId: ZUuid.nullable(),
    actorApiKeyId: ZUuid.nullable(),
    action: z.string(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()),
    ip: z.string().nullable(),
    requestId: z.string().nullable(),
    createdAt: ZTimestamp,
  })
  .meta({ id: "AuditEntry" });
export type TAuditEntry = z.infer<typeof ZAuditEntry>;

export const ZListAuditQuery = z.strictObject({
  beforeId: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
