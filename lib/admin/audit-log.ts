import "server-only";
import type { AdminAction } from "@/lib/generated/prisma/client";
import type { Db } from "@/lib/db/client";
import type { Tx } from "@/lib/db/transaction";
import { bigintIdSchema } from "@/lib/input-rules";

/**
 * The admin audit log: who changed what, when, and the values before and after. Entries are written
 * in the same transaction as the change they describe (revocations by a database trigger inside the
 * engine's transaction), so a change never commits without its entry. The table refuses UPDATE/DELETE.
 */

export interface AuditRecord {
  action: AdminAction;
  targetType: "coupon" | "batch" | "redemption" | "user" | "rate_limit" | "product" | "order" | "settings";
  targetId: string;
  summary: string;
  before?: unknown;
  after?: unknown;
}

export async function recordAdminChange(tx: Tx, actorId: string, record: AuditRecord): Promise<void> {
  await tx.adminAuditEntry.create({
    data: {
      actorId,
      action: record.action,
      targetType: record.targetType,
      targetId: record.targetId,
      summary: record.summary,
      before: toJson(record.before),
      after: toJson(record.after),
    },
  });
}

/** Dates become ISO strings and undefined fields disappear, exactly as JSON would store them. */
function toJson(value: unknown) {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as object);
}

export interface AuditEntryView {
  id: string;
  createdAt: Date;
  actorId: string;
  actorEmail: string;
  action: AdminAction;
  targetType: string;
  targetId: string;
  summary: string;
  before: unknown;
  after: unknown;
}

export async function listAuditLog(
  db: Db,
  options: { beforeId?: string; limit?: number; target?: { type: string; id: string } } = {},
): Promise<{ entries: AuditEntryView[]; nextBeforeId: string | null }> {
  const limit = options.limit ?? 50;
  const before = bigintIdSchema.safeParse(options.beforeId);
  const beforeId = before.success ? BigInt(before.data) : undefined;
  const rows = await db.adminAuditEntry.findMany({
    where: {
      ...(beforeId !== undefined ? { id: { lt: beforeId } } : {}),
      ...(options.target ? { targetType: options.target.type, targetId: options.target.id } : {}),
    },
    orderBy: { id: "desc" },
    take: limit + 1,
    include: { actor: { select: { email: true } } },
  });
  const entries = rows
    .slice(0, limit)
    .map(({ actor, id, ...entry }) => ({ ...entry, id: id.toString(), actorEmail: actor.email }));
  return { entries, nextBeforeId: rows.length > limit ? entries.at(-1)!.id : null };
}
