/**
 * One app process of `npm start` (scripts/start.ts forks N of these with Node's cluster): Next.js's
 * production server through its documented programmatic API, listening on the port the primary shares
 * between its workers. Plain JavaScript, run without tsx, like `next start` is.
 *
 * Ctrl-C reaches every process of the terminal's group: the worker ignores SIGINT and waits for the
 * primary, which stops the workers (SIGTERM) before PostgreSQL. A worker whose primary vanished stops too.
 */
import cluster from "node:cluster";
import http from "node:http";
import path from "node:path";
import { parseArgs } from "node:util";
import next from "next";

const { values: args } = parseArgs({ options: { port: { type: "string" }, host: { type: "string" } } });
const port = Number(args.port);
const app = next({ dev: false, dir: path.resolve(import.meta.dirname, ".."), hostname: args.host, port });
const handle = app.getRequestHandler();
await app.prepare();

// Which worker answered (its number in this cluster, not its pid): for spreading checks and debugging.
const worker = String(cluster.worker?.id ?? 0);
const server = http.createServer((request, response) => {
  response.setHeader("X-Once-Worker", worker);
  return handle(request, response);
});
server.listen(port, args.host);

/** Lets requests in flight finish (keep-alive connections are closed once idle), then exits; at most 10 s. */
function stop() {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => {
    server.closeAllConnections();
    process.exit(0);
  }, 10_000).unref();
}

process.on("SIGINT", () => {});
process.once("SIGTERM", stop);
process.once("disconnect", stop);
