/**
 * `npm run race -- --url http://127.0.0.1:3000[,http://127.0.0.1:3001,...] --code CODE --requests 500
 *                  [--target api|action] [--users N] [--limit N] [--expect N] [--retry N] [--json]`
 * `npm run race -- --target orders --sku SKU [--quantity N] [--code DISCOUNT] --fund-code CREDIT_CODE
 *                  [--data-dir DIR] ...`
 * `npm run race -- --target checkout-action --sku SKU [--quantity N] --fund-code CREDIT_CODE ...`
 * `npm run race -- --target api-holds --api-key KEY --code CODE [--data-dir DIR] ...`: POST /api/v1/holds
 *                  with a store's key, one store customer per user, invariants checked after
 * `--path` aims api or orders at another JSON endpoint than POST /api/redemptions or POST /api/orders:
 * the test build's naive controls (/api/control/naive-redemptions, /api/control/naive-orders), which the
 * tool must catch.
 *
 * Fires a synchronized burst of redemptions at running Once instances the way race-condition attack
 * tools do over HTTP/1.1: every connection is opened and every request sent except its last byte, then
 * all last bytes are released together. `--target api` drives POST /api/redemptions (a fresh
 * Idempotency-Key per request); `--target action` drives the real redeem server action by submitting
 * the form rendered on /redeem, as a browser would. `--target orders` places orders through
 * POST /api/orders (a fresh Idempotency-Key each, the users in turn, each funded first by redeeming
 * `--fund-code`); `--target checkout-action` puts the product in every user's cart (the shop's
 * add-to-cart and the cart's quantity forms), then submits the cart page's real "place order" server
 * action form, as `action` does /redeem's. Both then check every invariant (lib/invariants.ts: stock
 * never negative and equal to its movements, ledger = balances, ...) against the app's database
 * (DATABASE_URL, else the embedded one of `--data-dir`, default ONCE_DATA_DIR or .data). Users
 * (`race-N@race.once`) are signed in, and signed up first if needed. Several URLs spread the burst
 * round-robin over several instances.
 *
 * Exit status 1 when any response is a 5xx or a connection failed (after --retry rounds, which re-send
 * lost requests with the same key), when successes exceed --limit, when they differ from --expect, or
 * (orders, checkout-action) when an invariant is violated.
 */
import { parseArgs } from "node:util";
import { createDb } from "../lib/db/client";
import { findViolations } from "../lib/invariants";
import { problemsOf, runRace } from "./race/run";
import { toolDatabase } from "./tool-database";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:3000" },
    code: { type: "string" },
    sku: { type: "string" },
    quantity: { type: "string", default: "1" },
    "fund-code": { type: "string" },
    "data-dir": { type: "string" },
    requests: { type: "string", default: "500" },
    target: { type: "string", default: "api" },
    users: { type: "string" },
    "user-prefix": { type: "string", default: "race" },
    password: { type: "string", default: "race-password-123" },
    limit: { type: "string" },
    expect: { type: "string" },
    retry: { type: "string", default: "0" },
    path: { type: "string" },
    "settle-ms": { type: "string", default: "300" },
    "api-key": { type: "string" },
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
const target = values.target;
if (
  target !== "api" &&
  target !== "action" &&
  target !== "orders" &&
  target !== "checkout-action" &&
  target !== "api-holds"
)
  usage("--target is api, action, orders, checkout-action or api-holds");
if (target === "api-holds" && !values["api-key"]) usage("--target api-holds needs --api-key (a key with checkout)");
// Orders and holds move uses, stock and credit at once: the invariants are checked after the burst.
const ordering = target === "orders" || target === "checkout-action" || target === "api-holds";
if (ordering && target !== "api-holds" && !values.sku) usage(`--target ${target} needs --sku (what every order buys)`);
if (target === "checkout-action" && values.code) usage("--target checkout-action orders without a code");
if ((!ordering || target === "api-holds") && !values.code) usage("--code is required");

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
  code: values.code,
  requests,
  users,
  target,
  order: values.sku ? { sku: values.sku, quantity: Number(values.quantity) } : undefined,
  fundCode: values["fund-code"],
  userPrefix: values["user-prefix"],
  password: values.password,
  path: values.path,
  settleMs: Number(values["settle-ms"]),
  retryRounds: Number(values.retry),
  apiKey: values["api-key"],
});
const limit = values.limit === undefined ? undefined : Number(values.limit);
const problems = [
  ...problemsOf(summary, limit, values.expect === undefined ? undefined : Number(values.expect)),
  ...(ordering ? await invariantProblems() : []),
];

/** Orders move stock, uses and credit at once: after the burst, every invariant must still hold. */
async function invariantProblems(): Promise<string[]> {
  const database = await toolDatabase(values["data-dir"]);
  const db = createDb(database.url, { max: 2 });
  try {
    return (await findViolations(db)).map((v) => `INVARIANT: ${v.invariant}: ${v.detail}`);
  } finally {
    await db.$disconnect();
    await database.embedded?.stop();
  }
}

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
