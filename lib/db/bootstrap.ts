import path from "node:path";
import { env } from "@/lib/env";
import { migrate, type MigrationResult } from "./migrate";
import { type EmbeddedDatabase, startEmbeddedPostgres, useEmbeddedPostgres } from "./embedded";

export interface Database {
  url: string;
  /** Set when the database is the embedded PostgreSQL; `stop()` stops it only if this process started it. */
  embedded: EmbeddedDatabase | null;
  migrations: Extract<MigrationResult, { ok: true }>;
}

export interface PrepareOptions {
  /** The app's data folder; the embedded cluster lives in its `pg/`. */
  dataDir: string;
  port?: number;
  /** The embedded server's max_connections (lib/db/pool-size.ts). */
  maxConnections?: number;
  /**
   * For tools beside the app: join the embedded server that `npm start` runs on this data folder
   * instead of refusing to start a second one.
   */
  joinRunning?: boolean;
  /** Only for databases that a test or benchmark creates and throws away (see EmbeddedOptions). */
  unsafeFastForThrowawayData?: boolean;
  log?: (line: string) => void;
}

/**
 * DATABASE_URL set: use that server and start nothing. Unset: the embedded PostgreSQL with its data
 * in `dataDir`. Either way, apply pending migrations before anything else touches the schema.
 */
export async function prepareDatabase(options: PrepareOptions): Promise<Database> {
  // An empty DATABASE_URL (e.g. cleared by the e2e config) means "unset" (lib/env.ts).
  const external = env().DATABASE_URL;
  const embeddedOptions = {
    dataDir: path.join(options.dataDir, "pg"),
    port: options.port,
    maxConnections: options.maxConnections,
    unsafeFastForThrowawayData: options.unsafeFastForThrowawayData,
    log: options.log,
  };
  const embedded = external
    ? null
    : await (options.joinRunning ? useEmbeddedPostgres : startEmbeddedPostgres)(embeddedOptions);
  const url = external ?? embedded!.url;
  const result = await migrate(url);
  if (!result.ok) {
    await embedded?.stop();
    throw new Error(`Migrations refused (${result.reason}) at ${result.migration}: ${result.message}`);
  }
  for (const name of result.applied) console.log(`[once] applied migration ${name}`);
  return { url, embedded, migrations: result };
}
