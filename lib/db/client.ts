import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { env } from "@/lib/env";
import { PrismaClient } from "@/lib/generated/prisma/client";

export type Db = PrismaClient;

export interface PoolOptions {
  /** Connections in this process's pool. */
  max?: number;
  /** How long a query may wait for a free connection before failing (ms). */
  connectionTimeoutMillis?: number;
}

export function databaseUrlFromEnv(): string {
  const url = env().DATABASE_URL;
  if (!url) {
    throw new Error(
      "DATABASE_URL is not set. Start the app with `npm start` (it runs an embedded PostgreSQL and sets it) or export DATABASE_URL=postgresql://user:pass@host:5432/db.",
    );
  }
  return url;
}

export function createDb(url: string, pool: PoolOptions = {}): Db {
  const { DATABASE_POOL_MAX, DATABASE_POOL_TIMEOUT_MS } = env();
  const adapter = new PrismaPg({
    connectionString: url,
    max: pool.max ?? DATABASE_POOL_MAX,
    connectionTimeoutMillis: pool.connectionTimeoutMillis ?? DATABASE_POOL_TIMEOUT_MS,
  });
  return new PrismaClient({ adapter });
}

// One client per process; Next.js dev reloads modules, so the instance lives on globalThis.
const globalForDb = globalThis as unknown as { onceDb?: Db };

export function getDb(): Db {
  globalForDb.onceDb ??= createDb(databaseUrlFromEnv());
  return globalForDb.onceDb;
}
