import "server-only";
import { createHash } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import { env } from "@/lib/env";
import { PrismaClient } from "@/lib/generated/prisma/client";

export type Db = PrismaClient;

export interface PoolOptions {
  /** Connections in this process's pool. */
  max?: number;
  /** How long a query may wait for a free connection before failing (ms). */
  connectionTimeoutMillis?: number;
  /** How long a connection may sit idle before it is closed (ms; 0: never). pg's default is 10 s. */
  idleTimeoutMillis?: number;
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
  const { DATABASE_POOL_MAX, DATABASE_POOL_TIMEOUT_MS, DATABASE_PREPARED_STATEMENTS } = env();
  const adapter = new PrismaPg({
    connectionString: url,
    max: pool.max ?? DATABASE_POOL_MAX,
    connectionTimeoutMillis: pool.connectionTimeoutMillis ?? DATABASE_POOL_TIMEOUT_MS,
    ...(pool.idleTimeoutMillis === undefined ? {} : { idleTimeoutMillis: pool.idleTimeoutMillis }),
    ...(DATABASE_PREPARED_STATEMENTS ? { statementNameGenerator: statementNames() } : {}),
  });
  // "minimal": Prisma otherwise captures a call site (`new Error()`) on every query to pretty-print
  // errors, a cost paid by every successful query too; messages are read by code here, not by people.
  return new PrismaClient({ adapter, errorFormat: "minimal" });
}

/**
 * Names each query shape by a hash of its SQL, so every connection parses and plans it once and then
 * only binds parameters (PostgreSQL would otherwise plan the redemption's CTEs on every call). A
 * connection keeps each statement it prepared for its lifetime, so only the first MAX_NAMED_STATEMENTS
 * shapes this process sees are named; any beyond (ad-hoc admin filters) run unnamed, as before.
 */
const MAX_NAMED_STATEMENTS = 500;

function statementNames(): (query: { sql: string }) => string {
  const names = new Map<string, string>();
  return ({ sql }) => {
    const known = names.get(sql);
    if (known !== undefined) return known;
    // An empty name is pg's unnamed statement: parsed and planned on every call, as without names.
    if (names.size >= MAX_NAMED_STATEMENTS) return "";
    const name = `once_${createHash("sha1").update(sql).digest("hex")}`;
    names.set(sql, name);
    return name;
  };
}

// One client per process; Next.js dev reloads modules, so the instance lives on globalThis.
const globalForDb = globalThis as unknown as { onceDb?: Db };

export function getDb(): Db {
  globalForDb.onceDb ??= createDb(databaseUrlFromEnv());
  return globalForDb.onceDb;
}
