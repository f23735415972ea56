import pg from "pg";
import { afterAll, beforeAll, inject } from "vitest";
import { withDatabase } from "./global-database";

/**
 * A pool a test forgets to close keeps its connections until pg's idle timeout (10 s); on a machine fast
 * enough to run many scenarios inside that window they pile up until PostgreSQL refuses new clients.
 * So after each file the server must have exactly the client connections it had before the file;
 * otherwise the file fails, listing what was left open.
 */

let guard: pg.Client;
let before: Connection[];

interface Connection {
  pid: number;
  datname: string;
  application_name: string;
  state: string;
}

async function clientConnections(): Promise<Connection[]> {
  const { rows } = await guard.query<Connection>(`
    SELECT pid, datname, application_name, state FROM pg_stat_activity
    WHERE backend_type = 'client backend' AND usename = current_user AND pid <> pg_backend_pid()`);
  return rows;
}

beforeAll(async () => {
  guard = new pg.Client({ connectionString: withDatabase(new URL(inject("testServerUrl")), "postgres") });
  await guard.connect();
  before = await clientConnections();
});

afterAll(async () => {
  try {
    // A backend exits just after its client says goodbye, not at the same instant: allow for that, but
    // for far less time than an idle pool takes to close on its own.
    let now = await clientConnections();
    for (let waited = 0; now.length > before.length && waited < 3_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      now = await clientConnections();
    }
    const known = new Set(before.map((c) => c.pid));
    const left = now.filter((c) => !known.has(c.pid));
    if (now.length > before.length) {
      const byDatabase = new Map<string, number>();
      for (const c of left) byDatabase.set(c.datname, (byDatabase.get(c.datname) ?? 0) + 1);
      throw new Error(
        `connection leak: ${now.length} client connections after this file, ${before.length} before it. Close every pool a test opens when the test ends (scenarioDatabase / scenarioClient in test/helpers.ts). Left open, by database: ${[...byDatabase].map(([name, n]) => `${name} ${n}`).join(", ")}`,
      );
    }
  } finally {
    await guard.end();
  }
});
