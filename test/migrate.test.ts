import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { migrate, MIGRATIONS_DIR } from "@/lib/db/migrate";
import { emptyDatabase } from "./helpers";

const tempDirs: string[] = [];
afterAll(async () => {
  await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function database(): Promise<string> {
  return (await emptyDatabase()).url;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** A copy of the project's migrations that a test may change. */
async function migrationsCopy(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "once-migrations-"));
  tempDirs.push(dir);
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

const localNames = async () =>
  (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();

describe("the migration runner", () => {
  it("applies every migration once and records it exactly as Prisma's migrate deploy does", async () => {
    const url = await database();
    const names = await localNames();
    expect(await migrate(url)).toEqual({ ok: true, applied: names, alreadyApplied: [] });

    const rows = await query<{
      id: string;
      checksum: string;
      finished_at: Date | null;
      migration_name: string;
      logs: string | null;
      rolled_back_at: Date | null;
      started_at: Date;
      applied_steps_count: number;
    }>(url, `SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    for (const row of rows) {
      const sql = await readFile(path.join(MIGRATIONS_DIR, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row).toMatchObject({ logs: null, rolled_back_at: null, applied_steps_count: 1 });
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
    }
    // The column layout Prisma's engine creates and reads.
    const columns = await query<{ column_name: string; data_type: string; is_nullable: string }>(
      url,
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns.map((c) => `${c.column_name} ${c.data_type} ${c.is_nullable}`)).toEqual([
      "id character varying NO",
      "checksum character varying NO",
      "finished_at timestamp with time zone YES",
      "migration_name character varying NO",
      "logs text YES",
      "rolled_back_at timestamp with time zone YES",
      "started_at timestamp with time zone NO",
      "applied_steps_count integer NO",
    ]);
  });

  it("is a no-op the second time", async () => {
    const url = await database();
    await migrate(url);
    expect(await migrate(url)).toEqual({ ok: true, applied: [], alreadyApplied: await localNames() });
  });

  it("applies each migration exactly once when several runners start at the same moment (advisory lock)", async () => {
    const url = await database();
    const results = await Promise.all(Array.from({ length: 5 }, () => migrate(url)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.flatMap((r) => (r.ok ? r.applied : [])).sort()).toEqual(await localNames());
    const [counted] = await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM "_prisma_migrations"`);
    expect(counted!.n).toBe((await localNames()).length);
  });

  it("refuses to go on when an applied migration was edited afterwards", async () => {
    const url = await database();
    const dir = await migrationsCopy();
    await migrate(url, dir);
    const [first] = await localNames();
    await writeFile(path.join(dir, first!, "migration.sql"), "-- edited after the fact\n", { flag: "a" });
    await mkdir(path.join(dir, "29990101000000_later"));
    await writeFile(path.join(dir, "29990101000000_later", "migration.sql"), `CREATE TABLE "later" (id int);`);
    expect(await migrate(url, dir)).toMatchObject({ ok: false, reason: "checksum_mismatch", migration: first });
    expect(await query(url, `SELECT to_regclass('later') AS t`)).toEqual([{ t: null }]);
  });

  it("rolls a failing migration back whole: no half-applied DDL, no bookkeeping row", async () => {
    const url = await database();
    const dir = await migrationsCopy();
    await mkdir(path.join(dir, "29990101000000_broken"));
    await writeFile(
      path.join(dir, "29990101000000_broken", "migration.sql"),
      `CREATE TABLE "half" (id int);\nALTER TABLE "no_such_table" ADD COLUMN x int;`,
    );
    const result = await migrate(url, dir);
    expect(result).toMatchObject({ ok: false, reason: "migration_failed", migration: "29990101000000_broken" });
    expect(await query(url, `SELECT to_regclass('half') AS t`)).toEqual([{ t: null }]);
    expect(
      await query(url, `SELECT migration_name FROM "_prisma_migrations" WHERE migration_name LIKE '2999%'`),
    ).toEqual([]);
    // The migrations before it were applied and stay applied.
    expect((await query(url, `SELECT 1 FROM "_prisma_migrations"`)).length).toBe((await localNames()).length);
  });

  it("refuses to go on while Prisma's table records a failed, unresolved migration", async () => {
    const url = await database();
    await migrate(url);
    await query(
      url,
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ('f0000000-0000-4000-8000-000000000000', 'x', '29990101000000_failed')`,
    );
    expect(await migrate(url)).toMatchObject({
      ok: false,
      reason: "failed_migration_present",
      migration: "29990101000000_failed",
    });
  });
});
