import { z } from "zod";
import { pageQuery, ZTimestamp, ZUuid } from "./common.ts";

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

export const ZListAuditQuery = pageQuery({ defaultLimit: 50, maxLimit: 200 });
