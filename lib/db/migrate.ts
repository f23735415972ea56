import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { Logger, runMigrations } from "graphile-worker";
import pg from "pg";

/**
 * Applies prisma/migrations/<name>/migration.sql in name order and records each in
 * `_prisma_migrations` exactly as `prisma migrate deploy` does, so Prisma's own tooling
 * (`migrate status`, `migrate deploy`) keeps working on a machine that has its schema engine.
 */

// Prisma's migrate engine takes this advisory lock too, so our runner and Prisma's exclude each other.
const PRISMA_ADVISORY_LOCK_ID = 72707369;

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, "../../prisma/migrations");

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/** graphile-worker reports each step it takes; only its errors are worth a line. */
const QUIET = new Logger(() => (level, message) => {
  if (level === "error") console.error(`[graphile-worker] ${message}`);
});

export interface LocalMigration {
  name: string;
  sql: string;
  checksum: string;
}

export type MigrationResult =
  | { ok: true; applied: string[]; alreadyApplied: string[] }
  | {
      ok: false;
      reason: "checksum_mismatch" | "failed_migration_present" | "migration_failed";
      migration: string;
      message: string;
    };

export function checksumOf(sql: string): string {
  return createHash("sha256").update(sql, "utf8").digest("hex");
}

export async function readLocalMigrations(dir = MIGRATIONS_DIR): Promise<LocalMigration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: checksumOf(sql) };
    }),
  );
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

export async function migrate(databaseUrl: string, dir = MIGRATIONS_DIR): Promise<MigrationResult> {
  const local = await readLocalMigrations(dir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK_ID]);
    try {
      const result = await applyPending(client, local);
      // The job queue's own schema (graphile_worker) comes with the app's: the outbox enqueues delivery
      // jobs inside the change's transaction (lib/webhooks/outbox.ts), so it must exist before any write.
      if (result.ok) await migrateJobQueue(databaseUrl);
      return result;
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK_ID]);
    }
  } finally {
    await client.end();
  }
}

/**
 * graphile-worker's own pool, when it makes one, is ended without waiting and loses its error listener
 * first: a server stopping in that moment (a test stopping its database right after migrating) sends
 * its connection a FATAL that nothing catches, and the process dies. So it gets a pool we own and end.
 */
async function migrateJobQueue(databaseUrl: string): Promise<void> {
  const pgPool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  // graphile-worker logs a connection's error itself (QUIET); without a listener the pool would throw it.
  pgPool.on("error", () => {});
  try {
    await runMigrations({ pgPool, logger: QUIET });
  } finally {
    await pgPool.end();
  }
}

async function applyPending(client: pg.Client, local: LocalMigration[]): Promise<MigrationResult> {
  await client.query(CREATE_MIGRATIONS_TABLE);
  const { rows } = await client.query<AppliedRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at`,
  );
  const failed = rows.find((r) => r.finished_at === null && r.rolled_back_at === null);
  if (failed) {
    return {
      ok: false,
      reason: "failed_migration_present",
      migration: failed.migration_name,
      message: `Migration ${failed.migration_name} failed earlier and was never resolved; fix it (prisma migrate resolve) before applying more.`,
    };
  }
  const applied = new Map(rows.filter((r) => r.finished_at !== null).map((r) => [r.migration_name, r.checksum]));

  const alreadyApplied: string[] = [];
  const newlyApplied: string[] = [];
  for (const migration of local) {
    const appliedChecksum = applied.get(migration.name);
    if (appliedChecksum !== undefined) {
      if (appliedChecksum !== migration.checksum) {
        return {
          ok: false,
          reason: "checksum_mismatch",
          migration: migration.name,
          message: `Migration ${migration.name} was modified after it was applied (checksum ${appliedChecksum.slice(0, 12)}… in the database, ${migration.checksum.slice(0, 12)}… on disk). Add a new migration instead of editing an applied one.`,
        };
      }
      alreadyApplied.push(migration.name);
      continue;
    }
    try {
      await applyOne(client, migration);
    } catch (error) {
      return { ok: false, reason: "migration_failed", migration: migration.name, message: (error as Error).message };
    }
    newlyApplied.push(migration.name);
  }
  return { ok: true, applied: newlyApplied, alreadyApplied };
}

/** One transaction per migration: the DDL and its bookkeeping row commit together or not at all. */
async function applyOne(client: pg.Client, migration: LocalMigration): Promise<void> {
  const id = randomUUID();
  await client.query("BEGIN");
  try {
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`,
      [id, migration.checksum, migration.name],
    );
    await client.query(migration.sql);
    await client.query(
      `UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1`,
      [id],
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  }
}
