import type { Tx } from "@mirage/db";
import { recordAudit } from "@mirage/db/audit-log";
import type { Request } from "express";

/**
 * Records a mutating call in the audit log, inside the transaction of the change (so a rolled-back change leaves
 * no row, and a committed one always has its row). Call it before the change when the change removes the caller's
 * own access (the row is written while the caller is still a member).
 */
export function audit(
  tx: Tx,
  req: Request,
  entry: { orgId: string; action: string; targetType?: string; targetId?: string; detail?: Record<string, unknown> },
): Promise<number> {
  return recordAudit(tx, {
    ...entry,
    ip: req.ip ?? null,
    requestId: req.id ? String(req.id) : null,
  });
}
