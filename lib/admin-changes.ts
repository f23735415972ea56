import "server-only";
import type { AdminAction } from "@/lib/generated/prisma/client";
import type { Tx } from "./db/transaction";

/**
 * Writes the admin audit log (admin_audit_log): who changed what, and the values before and after.
 * It takes the change's own transaction, so a change never commits without its entry. Below lib/admin/
 * because domain modules (accounts, store settings) record admin changes too; lib/admin/audit-log.ts reads it.
 */

export interface AdminChange {
  action: AdminAction;
  targetType:
    | "coupon"
    | "batch"
    | "redemption"
    | "user"
    | "rate_limit"
    | "product"
    | "order"
    | "settings"
    | "api_key"
    | "webhook_endpoint";
  targetId: string;
  summary: string;
  before?: unknown;
  after?: unknown;
}

export async function recordAdminChange(tx: Tx, actorId: string, change: AdminChange): Promise<void> {
  await tx.adminAuditEntry.create({
    data: {
      actorId,
      action: change.action,
      targetType: change.targetType,
      targetId: change.targetId,
      summary: change.summary,
      before: toJson(change.before),
      after: toJson(change.after),
    },
  });
}

/** Dates become ISO strings and undefined fields disappear, exactly as JSON would store them. */
function toJson(value: unknown) {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as object);
}
