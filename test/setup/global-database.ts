import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";
import { env } from "@/lib/env";

/**
 * Tests run against a real PostgreSQL: TEST_DATABASE_URL when set (its role needs CREATEDB), else an
 * embedded one in .data/test. A migrated template database is built once; every suite then clones it
 * (CREATE DATABASE … TEMPLATE), so suites, and the naive controls that corrupt data on purpose, never
 * see each other's rows.
 */
export default async function setup(project: TestProject) {
  const external = env().TEST_DATABASE_URL;
  const embedded = external
    ? null
    : await startEmbeddedPostgres({
        dataDir: path.resolve(import.meta.dirname, "../../.data/test/pg"),
        port: 0,
        // Its databases are cloned per suite and dropped after it: nothing here is worth an fsync.
        unsafeFastForThrowawayData: true,
        // The disable race compares commit times of redemptions and of the disable.
        settings: { track_commit_timestamp: "on" },
      });
  const serverUrl = new URL(external ?? embedded!.url);

  const template = `once_test_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: withDatabase(serverUrl, "postgres") });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  const migrated = await migrate(withDatabase(serverUrl, template));
  if (!migrated.ok) throw new Error(`test template migration failed: ${migrated.message}`);

  project.provide("testServerUrl", serverUrl.toString());
  project.provide("testTemplateDatabase", template);

  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await admin.end();
    await embedded?.stop();
  };
}

export function withDatabase(server: URL, database: string): string {
  const url = new URL(server);
  url.pathname = `/${database}`;
  return url.toString();
}

declare module "vitest" {
  export interface ProvidedContext {
    testServerUrl: string;
    testTemplateDatabase: string;
  }
}
