/**
 * How many app processes `npm start` runs and how many connections each may open, so that all of them
 * together stay under PostgreSQL's `max_connections` (docs/scaling.md).
 *
 * - processes: `--workers N`, else WEB_CONCURRENCY, else one per available core (the app is CPU-bound
 *   on its one JavaScript thread; more processes than cores only add switching).
 * - each process's pool: DATABASE_POOL_MAX (10). The embedded PostgreSQL is started with
 *   `processes × pool + TOOL_CONNECTIONS` connections (never fewer than it always had), so that sum
 *   always fits. An external server keeps its own setting: when `processes × pool + TOOL_CONNECTIONS`
 *   would not fit under it, each pool is shrunk to fit, and too small a server is refused by name.
 */

/** Kept free beside the app: migrations, the seed, the command-line tools, psql, the test harnesses. */
export const TOOL_CONNECTIONS = 20;
/** What the embedded server allowed before it was sized by the process count; it never gets fewer. */
export const EMBEDDED_MIN_CONNECTIONS = 300;
/** Below this a process would queue its requests on its pool rather than on its CPU. */
const MIN_POOL = 2;

export function embeddedMaxConnections(processes: number, pool: number): number {
  return Math.max(EMBEDDED_MIN_CONNECTIONS, processes * pool + TOOL_CONNECTIONS);
}

export type PoolSize = { ok: true; pool: number; shrunk: boolean } | { ok: false; message: string };

/**
 * The pool each of `processes` gets on a server that allows `maxConnections`, of which
 * `reservedConnections` (superuser_reserved_connections and the like) are not the app's.
 */
export function poolPerProcess(
  processes: number,
  wanted: number,
  server: { maxConnections: number; reservedConnections: number },
): PoolSize {
  const available = server.maxConnections - server.reservedConnections - TOOL_CONNECTIONS;
  if (processes * wanted <= available) return { ok: true, pool: wanted, shrunk: false };
  const pool = Math.floor(available / processes);
  if (pool >= MIN_POOL) return { ok: true, pool, shrunk: true };
  return {
    ok: false,
    message:
      `PostgreSQL allows ${server.maxConnections} connections (${server.reservedConnections} reserved): too few for ` +
      `${processes} app processes of at least ${MIN_POOL} connections each plus ${TOOL_CONNECTIONS} for tools. ` +
      "Raise max_connections, or start fewer processes (--workers / WEB_CONCURRENCY).",
  };
}
