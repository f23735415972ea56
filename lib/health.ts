import "server-only";
import type { Db } from "./db/client";

export type Health = { ok: true; postgres: string; coupons: number; migrations: number } | { ok: false; error: string };

/** Whether the database answers, for the home page and GET /api/health. */
export async function checkHealth(db: Db): Promise<Health> {
  try {
    const [version] = await db.$queryRaw<{ server_version: string }[]>`SHOW server_version`;
    const [migrations] = await db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
    return {
      ok: true,
      postgres: version?.server_version ?? "unknown",
      coupons: await db.coupon.count(),
      migrations: migrations?.n ?? 0,
    };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message.split("\n")[0]! : String(error) };
  }
}
