import pg from "pg";
import { afterAll, beforeAll, beforeEach, inject, onTestFinished } from "vitest";
import { withDatabase } from "./global-database";

// Files run side by side, one per worker, on one server: each worker's connections carry its own
// application_name (pg reads PGAPPNAME when a client is made, and child processes inherit it), so the
// checks below count this worker's connections only.
const APPLICATION_NAME = `once-test-worker-${process.env.VITEST_POOL_ID ?? "0"}`;
process.env.PGAPPNAME = APPLICATION_NAME;

/**
 * A pool left open keeps its connections until pg's idle timeout (10 s); on a machine fast enough to
 * run many scenarios inside that window they pile up until PostgreSQL refuses new clients ("too many
 * clients already"). Two checks make such a leak fail loudly, listing what was left open:
 * - when a test ends (after its own cleanup), no database it created still has connections: what a
 *   scenario opens, the scenario closes, not the file's afterAll;
 * - after each file, the server has no more client connections than before the file.
 */

let guard: pg.Client;
let before: Connection[];

interface Connection {
  pid: number;
  datname: string;
}

async function clientConnections(): Promise<Connection[]> {
  const { rows } = await guard.query<Connection>(
    `SELECT pid, datname FROM pg_stat_activity
    WHERE backend_type = 'client backend' AND usename = current_user AND application_name = $1
      AND pid <> pg_backend_pid()`,
    [APPLICATION_NAME],
  );
  return rows;
}

/**
 * The connections `leaked` picks out, once the server has caught up: a backend exits just after its
 * client says goodbye, not at the same instant, but far sooner than an idle pool closes on its own.
 */
async function settled(leaked: (now: Connection[]) => Connection[]): Promise<Connection[]> {
  let left = leaked(await clientConnections());
  for (let waited = 0; left.length > 0 && waited < 3_000; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    left = leaked(await clientConnections());
  }
  return left;
}

function byDatabase(connections: Connection[]): string {
  const counts = new Map<string, number>();
  for (const c of connections) counts.set(c.datname, (counts.get(c.datname) ?? 0) + 1);
  return [...counts].map(([name, n]) => `${name} ${n}`).join(", ");
}

const ADVICE =
  "Close every pool a test opens when the test ends (scenarioDatabase / scenarioClient in test/helpers.ts).";

beforeAll(async () => {
  guard = new pg.Client({ connectionString: withDatabase(new URL(inject("testServerUrl")), "postgres") });
  await guard.connect();
  before = await clientConnections();
});

beforeEach(async () => {
  const existing = new Set(
    (await guard.query<{ datname: string }>("SELECT datname FROM pg_database")).rows.map((r) => r.datname),
  );
  // Registered first, so it runs after the test's own end-of-test cleanup.
  onTestFinished(async () => {
    const left = await settled((now) => now.filter((c) => !existing.has(c.datname)));
    if (left.length > 0) {
      throw new Error(
        `connection leak: databases this test created still have connections after it: ${byDatabase(left)}. ${ADVICE}`,
      );
    }
  });
});

afterAll(async () => {
  try {
    const known = new Set(before.map((c) => c.pid));
    const left = await settled((now) => (now.length > before.length ? now.filter((c) => !known.has(c.pid)) : []));
    if (left.length > 0) {
      throw new Error(
        `connection leak: ${before.length + left.length} client connections after this file, ${before.length} before it. ${ADVICE} Left open: ${byDatabase(left)}`,
      );
    }
  } finally {
    await guard.end();
  }
});
