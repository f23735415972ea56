import path from "node:path";
import { env } from "@/lib/env";
import { migrate } from "./migrate";
import { type EmbeddedDatabase, startEmbeddedPostgres } from "./embedded";

export interface Database {
  url: string;
  /** Set when this process started its own PostgreSQL; stop it on exit. */
  embedded: EmbeddedDatabase | null;
}

/**
 * DATABASE_URL set: use that server and start nothing. Unset: run an embedded PostgreSQL with its data
 * in `dataDir`. Either way, apply pending migrations before anything else touches the schema.
 */
export async function prepareDatabase(options: {
  dataDir: string;
  port?: number;
  log?: (line: string) => void;
  /** Extra PostgreSQL settings for the embedded server (ignored with DATABASE_URL). */
  settings?: Record<string, string>;
}): Promise<Database> {
  // An empty DATABASE_URL (e.g. cleared by the e2e config) means "unset" (lib/env.ts).
  const external = env().DATABASE_URL;
  const embedded = external
    ? null
    : await startEmbeddedPostgres({
        dataDir: path.join(options.dataDir, "pg"),
        port: options.port,
        log: options.log,
        settings: options.settings,
      });
  const url = external ?? embedded!.url;
  const result = await migrate(url);
  if (!result.ok) {
    await embedded?.stop();
    throw new Error(`Migrations refused (${result.reason}) at ${result.migration}: ${result.message}`);
  }
  for (const name of result.applied) console.log(`[once] applied migration ${name}`);
  return { url, embedded };
}
