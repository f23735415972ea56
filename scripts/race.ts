/**
 * `npm run race -- --url http://127.0.0.1:3000[,http://127.0.0.1:3001,...] --code CODE --requests 500
 *                  [--target api|action] [--users N] [--limit N] [--expect N] [--retry N] [--json]`
 *
 * Fires a synchronized burst of redemptions at running Once instances the way race-condition attack
 * tools do over HTTP/1.1: every connection is opened and every request sent except its last byte, then
 * all last bytes are released together. `--target api` drives POST /api/redemptions (a fresh
 * Idempotency-Key per request); `--target action` drives the real redeem server action by submitting
 * the form rendered on /redeem, as a browser would. Users (`race-N@race.once`) are signed in, and
 * signed up first if needed. Several URLs spread the burst round-robin over several instances.
 *
 * Exit status 1 when any response is a 5xx or a connection failed (after --retry rounds, which re-send
 * lost requests with the same key), when successes exceed --limit, or when they differ from --expect.
 */
import { parseArgs } from "node:util";
import { problemsOf, runRace } from "./race/run";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:3000" },
    code: { type: "string" },
    requests: { type: "string", default: "500" },
    target: { type: "string", default: "api" },
    users: { type: "string" },
    "user-prefix": { type: "string", default: "race" },
    password: { type: "string", default: "race-password-123" },
    limit: { type: "string" },
    expect: { type: "string" },
    retry: { type: "string", default: "0" },
    path: { type: "string", default: "/api/redemptions" },
    "settle-ms": { type: "string", default: "300" },
    json: { type: "boolean", default: false },
  },
});

function usage(message: string): never {
  console.error(`race: ${message}`);
  process.exit(2);
}

const requests = Number(values.requests);
const users = Number(values.users ?? values.requests);
if (!(requests > 0 && users > 0)) usage("--requests and --users must be positive numbers");
if (values.target !== "api" && values.target !== "action") usage("--target is api or action");

const urls = values.url!.split(",").map((u) => new URL(u.trim()));
// The tool attacks an app that runs; without one there is nothing to measure.
for (const url of urls) {
  const reachable = await fetch(new URL("/api/health", url), { signal: AbortSignal.timeout(10_000) }).then(
    () => true,
    () => false,
  );
  if (!reachable) usage(`cannot reach ${url.origin}. Start the app first (npm start), or point --url at it.`);
}

const summary = await runRace({
  urls,
  code: values.code ?? usage("--code is required"),
  requests,
  users,
  target: values.target,
  userPrefix: values["user-prefix"],
  password: values.password,
  path: values.path,
  settleMs: Number(values["settle-ms"]),
  retryRounds: Number(values.retry),
});
const limit = values.limit === undefined ? undefined : Number(values.limit);
const problems = problemsOf(summary, limit, values.expect === undefined ? undefined : Number(values.expect));

if (values.json) console.log(JSON.stringify({ ...summary, problems }));
else {
  console.log(
    `race: ${requests} synchronized requests (${summary.target}) from ${users} users over ${summary.instances} instance(s)`,
  );
  console.log(
    `  final bytes released within ${summary.releaseSpreadMs} ms; responses spread over ${summary.responseSpreadMs} ms`,
  );
  console.log(
    `  statuses  ${JSON.stringify(summary.statuses)}${summary.retried ? ` (burst: ${JSON.stringify(summary.burstStatuses)}, ${summary.retried} re-sent)` : ""}`,
  );
  console.log(`  outcomes  ${JSON.stringify(summary.outcomes)}`);
  console.log(
    `  successes ${summary.distinctRedemptions ?? summary.successes}${limit !== undefined ? ` (limit ${limit})` : ""}`,
  );
  for (const problem of problems) console.log(`  PROBLEM: ${problem}`);
}
process.exit(problems.length > 0 ? 1 : 0);
