import "server-only";
import type { Db } from "./db/client";

/**
 * Whether the service can answer, for anyone (the home page, GET /api/health): up or not, nothing
 * more. What it runs on (PostgreSQL's version, migrations, coupon count) is for admins only
 * (systemDetails, on the admin overview); a database error is logged on the server, never echoed.
 */
export async function checkHealth(db: Db): Promise<{ ok: boolean }> {
  try {
    await db.$queryRaw`SELECT 1`;
    return { ok: true };
  } catch (error) {
    console.error("[once] health check: the database did not answer:", error);
    return { ok: false };
  }
}

export interface SystemDetails {
  postgres: string;
  migrations: number;
  coupons: number;
}

export async function systemDetails(db: Db): Promise<SystemDetails> {
  const [version] = await db.$queryRaw<{ server_version: string }[]>`SHOW server_version`;
  const [migrations] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
  return {
    postgres: version?.server_version ?? "unknown",
    migrations: migrations?.n ?? 0,
    coupons: await db.coupon.count(),
  };
}
