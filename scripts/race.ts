/**
 * `npm run race -- --url http://127.0.0.1:3000 --code CODE --requests 500 [--target api|action]
 *                  [--users N] [--limit N] [--expect N] [--path /api/redemptions] [--json]`
 *
 * Fires a synchronized burst of redemptions at a running Once the way race-condition attack tools do
 * over HTTP/1.1: every connection is opened and every request sent except its last byte, then all last
 * bytes are released together. `--target api` drives POST /api/redemptions (a fresh Idempotency-Key per
 * request); `--target action` drives the real redeem server action by submitting the form rendered on
 * /redeem, as a browser would. Users (`race-N@race.once`) are signed in, and signed up first if needed.
 *
 * Exit status 1 when any response is a 5xx or a connection failed, when successes exceed --limit, or
 * when they differ from --expect.
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { burst, cookieHeader, serialise } from "./race/http";
import { ensureSignedIn, formRequest, type Jar, readForm } from "./race/session";

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
    path: { type: "string", default: "/api/redemptions" },
    "settle-ms": { type: "string", default: "300" },
    json: { type: "boolean", default: false },
  },
});

function fail(message: string): never {
  console.error(`race: ${message}`);
  process.exit(2);
}

const base = new URL(values.url!);
const code = values.code ?? fail("--code is required");
const requests = Number(values.requests);
const userCount = Number(values.users ?? values.requests);
const target = values.target === "action" ? "action" : values.target === "api" ? "api" : fail("--target is api or action");
if (!(requests > 0 && userCount > 0)) fail("--requests and --users must be positive");
if (base.hostname !== "127.0.0.1" && base.hostname !== "localhost" && base.hostname !== "::1") {
  fail("the race tool only targets servers on this machine (127.0.0.1 / localhost)");
}

/** Runs `work` over `items` with at most `width` at a time (signing in is deliberately slow: argon2). */
async function pooled<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]!);
      }
    }),
  );
  return results;
}

const started = performance.now();
const emails = Array.from({ length: userCount }, (_, i) => `${values["user-prefix"]}-${i}@race.once`);
const jars = await pooled(emails, 8, (email) => ensureSignedIn(base, email, values.password!));
const prepared = await pooled(Array.from({ length: requests }, (_, i) => i), 16, async (i) => {
  const jar: Jar = jars[i % userCount]!;
  if (target === "api") {
    return serialise(base, {
      method: "POST",
      path: values.path!,
      headers: { "Content-Type": "application/json", "Idempotency-Key": randomUUID(), Cookie: cookieHeader(jar) },
      body: Buffer.from(JSON.stringify({ code })),
    });
  }
  // Each rendering of the form carries its own idempotency key, as each browser tab would.
  const form = await readForm(base, "/redeem", jar, "code");
  return serialise(base, formRequest(form, jar, { code }));
});
const preparedAt = performance.now();

const result = await burst(base, prepared, Number(values["settle-ms"]));

const statuses: Record<string, number> = {};
const outcomes: Record<string, number> = {};
let successes = 0;
let serverErrors = 0;
let connectionErrors = 0;
for (const settled of result.responses) {
  if (settled.status === "rejected") {
    connectionErrors++;
    continue;
  }
  const { status, body } = settled.value;
  statuses[status] = (statuses[status] ?? 0) + 1;
  if (status >= 500) serverErrors++;
  let outcome: string;
  if (target === "api") {
    outcome = status === 201 ? "redeemed" : ((JSON.parse(body || "{}") as { reason?: string }).reason ?? `http_${status}`);
  } else {
    outcome = body.includes('data-testid="redeem-balance"') ? "redeemed" : (/data-reason="(\w+)"/.exec(body)?.[1] ?? `http_${status}`);
  }
  if (outcome === "redeemed") successes++;
  outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
}

const limit = values.limit === undefined ? undefined : Number(values.limit);
const expected = values.expect === undefined ? undefined : Number(values.expect);
const problems = [
  ...(serverErrors > 0 ? [`${serverErrors} responses were 5xx`] : []),
  ...(connectionErrors > 0 ? [`${connectionErrors} connections failed`] : []),
  ...(limit !== undefined && successes > limit ? [`OVERSOLD: ${successes} successes for a limit of ${limit}`] : []),
  ...(expected !== undefined && successes !== expected ? [`${successes} successes, expected exactly ${expected}`] : []),
];
const summary = {
  target,
  requests,
  users: userCount,
  successes,
  statuses,
  outcomes,
  releaseSpreadMs: Number(result.releaseSpreadMs.toFixed(3)),
  responseSpreadMs: Number(result.responseSpreadMs.toFixed(1)),
  prepareSeconds: Number(((preparedAt - started) / 1000).toFixed(1)),
  problems,
};
if (values.json) console.log(JSON.stringify(summary));
else {
  console.log(`race: ${requests} synchronized requests (${target}) from ${userCount} users at ${base.origin}`);
  console.log(`  final bytes released within ${summary.releaseSpreadMs} ms; responses spread over ${summary.responseSpreadMs} ms`);
  console.log(`  statuses  ${JSON.stringify(statuses)}`);
  console.log(`  outcomes  ${JSON.stringify(outcomes)}`);
  console.log(`  successes ${successes}${limit !== undefined ? ` (limit ${limit})` : ""}`);
  for (const problem of problems) console.log(`  PROBLEM: ${problem}`);
}
process.exit(problems.length > 0 ? 1 : 0);
