import "server-only";
import { z } from "zod";

/**
 * Every environment variable Once reads, read and validated here and nowhere else, with its default and
 * what it means (the README's Configuration table lists the same variables; test/unit/env.test.ts keeps
 * the two in step). Read on each call, not once at import: `npm start` and the test harnesses set
 * variables for the processes they start, and a wrong value should be reported where it is used.
 *
 * Read elsewhere, on purpose: next.config.js reads ONCE_DIST_DIR and ONCE_NAIVE_CONTROL when Next.js
 * loads its configuration (it cannot import TypeScript), prisma.config.ts reads DATABASE_URL for the
 * Prisma CLI, and instrumentation.ts reads NEXT_RUNTIME, which Next.js inlines per runtime at build.
 * The test harnesses' own variables (E2E_*, PLAYWRIGHT_CHROMIUM_PATH) stay with them.
 */

/** Unset and empty are the same: an empty DATABASE_URL (as the e2e config passes) means "unset". */
const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === "" ? undefined : value));

const postgresUrl = optionalText.refine((value) => value === undefined || /^postgres(ql)?:\/\//.test(value), {
  message: "must be a postgresql:// URL",
});

const positiveInteger = (fallback: number) =>
  optionalText
    .transform((value) => (value === undefined ? fallback : Number(value)))
    .pipe(z.number("must be a whole number").int("must be a whole number").positive("must be above 0"));

const flag = optionalText.pipe(z.enum(["0", "1"], "must be 1 or 0").optional()).transform((value) => value === "1");

/** A rate-limit setting: passed through as text, parsed (and refused when malformed) by lib/rate-limits.ts. */
function rateLimitVariable<Name extends string>(name: Name, fallback: string, meaning: string) {
  return { [name]: { schema: optionalText, default: fallback, meaning } } as Record<
    Name,
    { schema: typeof optionalText; default: string; meaning: string }
  >;
}

export const ENVIRONMENT = {
  DATABASE_URL: {
    schema: postgresUrl,
    default: "unset: embedded PostgreSQL",
    meaning: "Use this PostgreSQL server instead; nothing is started. Migrations are applied at start.",
  },
  PORT: { schema: positiveInteger(3000), default: "3000", meaning: "HTTP port (`--port` too)." },
  ONCE_DATA_DIR: {
    schema: optionalText.pipe(z.string().default(".data")),
    default: ".data",
    meaning: "Embedded database files and the generated development secret (`--data-dir` too).",
  },
  NEXTAUTH_SECRET: {
    schema: optionalText,
    default: "generated into the data folder outside production",
    meaning: "Session signing secret, at least 32 characters. **Required** when `NODE_ENV=production`.",
  },
  AUTH_SECRET: { schema: optionalText, default: "unset", meaning: "Read when `NEXTAUTH_SECRET` is not set." },
  NEXTAUTH_URL: {
    schema: optionalText.pipe(z.url("must be a URL").optional()),
    default: "http://localhost:$PORT",
    meaning: "Public URL of the app.",
  },
  ONCE_SEED_DEMO: {
    // Three states: unset leaves the choice to where the database is (lib/seed.ts demoSeedWanted).
    schema: optionalText
      .pipe(z.enum(["0", "1"], "must be 1 or 0").optional())
      .transform((value) => (value === undefined ? undefined : value === "1")),
    default: "1 with the embedded database outside production",
    meaning:
      "`1` seeds the demo users and coupons (into an external or production database too); `0` never seeds them.",
  },
  WEB_CONCURRENCY: {
    schema: optionalText
      .transform((value) => (value === undefined ? undefined : Number(value)))
      .pipe(z.number("must be a whole number").int("must be a whole number").positive("must be above 0").optional()),
    default: "available cores",
    meaning: "App processes `npm start` runs on the one port (`--workers` too); see docs/scaling.md.",
  },
  DATABASE_POOL_MAX: {
    schema: positiveInteger(10),
    default: "10",
    meaning: "Connections per app process (shrunk by `npm start` when all processes would not fit the server).",
  },
  DATABASE_PREPARED_STATEMENTS: {
    schema: optionalText.pipe(z.enum(["0", "1"], "must be 1 or 0").default("0")).transform((value) => value === "1"),
    default: "0",
    meaning:
      "`1` prepares each query shape once per connection (named statements; not behind PgBouncer in " +
      "transaction mode older than 1.21 or without `max_prepared_statements`). Off until it measurably pays.",
  },
  DATABASE_POOL_TIMEOUT_MS: {
    schema: positiveInteger(10_000),
    default: "10000",
    meaning: "How long a query waits for a free pool connection.",
  },
  DATABASE_TX_MAX_WAIT_MS: {
    schema: positiveInteger(10_000),
    default: "10000",
    meaning: "How long a transaction waits to start. Past it the request is answered busy (retry with the same key).",
  },
  DATABASE_TX_TIMEOUT_MS: {
    schema: positiveInteger(15_000),
    default: "15000",
    meaning: "How long an interactive transaction may run.",
  },
  TEST_DATABASE_URL: {
    schema: postgresUrl,
    default: "unset: embedded PostgreSQL in `.data/test`",
    meaning:
      "Server for `npm test`; its role needs `CREATEDB` (each suite gets its own database cloned from a " +
      "migrated template) and `track_commit_timestamp=on` for the disable race.",
  },
  ONCE_DIST_DIR: {
    schema: optionalText.pipe(z.string().default(".next")),
    default: ".next",
    meaning: "Next.js build folder (lets two builds run side by side).",
  },
  ONCE_NAIVE_CONTROL: {
    schema: flag,
    default: "unset",
    meaning: "Test builds only: `1` compiles in the naive check-then-act control route the e2e suite attacks.",
  },
  NODE_ENV: {
    schema: optionalText.pipe(z.string().default("development")),
    default: "development",
    meaning: "`production` requires a session secret and serves the production build.",
  },
  NEXT_PHASE: {
    schema: optionalText,
    default: "set by Next.js",
    meaning: "`phase-production-build` while `next build` runs: nothing is signed, so no secret is needed.",
  },
  TRUSTED_PROXIES: {
    schema: optionalText,
    default: "none",
    meaning:
      "Comma-separated addresses, CIDR ranges or `loopback` / `linklocal` / `uniquelocal` of the reverse proxies " +
      "in front of the app; `X-Forwarded-For` is walked right to left through these only (lib/client-address.ts).",
  },
  ...rateLimitVariable("RATE_LIMIT_REDEEM_CUSTOMER", "60/15m", "Redeem budget per customer, `<points>/<window>`."),
  ...rateLimitVariable("RATE_LIMIT_REDEEM_ADDRESS", "300/15m", "Redeem budget per client address (IPv6 per /64)."),
  ...rateLimitVariable("RATE_LIMIT_REDEEM_UNKNOWN_COST", "5", "Points an unknown or malformed code costs."),
  ...rateLimitVariable("RATE_LIMIT_SIGN_IN_ACCOUNT", "10/1h", "Failed sign-ins per account before a lock."),
  ...rateLimitVariable("RATE_LIMIT_SIGN_IN_SLOWDOWN_AFTER", "5", "Failed sign-ins at full speed, then waits."),
  ...rateLimitVariable("RATE_LIMIT_SIGN_IN_LOCK", "15m", "How long a locked account stays locked."),
  ...rateLimitVariable("RATE_LIMIT_SIGN_IN_ADDRESS", "100/1h", "Failed sign-ins per client address."),
  ...rateLimitVariable("RATE_LIMIT_SIGN_UP_ADDRESS", "10/1h", "Accounts created per client address."),
  ...rateLimitVariable("RATE_LIMIT_API_KEY", "600/1m", "Requests per API key (/api/v1)."),
  WEBHOOK_TIMEOUT_MS: {
    schema: positiveInteger(10_000),
    default: "10000",
    meaning: "How long a webhook POST may take before it counts as a failed attempt.",
  },
  WEBHOOK_RETRY_BASE_MS: {
    schema: positiveInteger(5_000),
    default: "5000",
    meaning: "Delay before a failed delivery's first retry; it doubles with each attempt, with jitter.",
  },
  WEBHOOK_RETRY_MAX_MS: {
    schema: positiveInteger(3_600_000),
    default: "3600000",
    meaning: "Longest delay between two attempts of one delivery.",
  },
  WEBHOOK_DISABLE_AFTER: {
    schema: positiveInteger(20),
    default: "20",
    meaning: "Consecutive failed attempts after which an endpoint is disabled (an admin enables it again).",
  },
} as const;

export type EnvironmentVariable = keyof typeof ENVIRONMENT;

const environmentSchema = z.object(
  Object.fromEntries(Object.entries(ENVIRONMENT).map(([name, variable]) => [name, variable.schema])) as {
    [Name in EnvironmentVariable]: (typeof ENVIRONMENT)[Name]["schema"];
  },
);

export type Environment = z.output<typeof environmentSchema>;

/** The environment, validated; a wrong value stops with a message naming the variable and what it must be. */
export function env(source: Record<string, string | undefined> = process.env): Environment {
  const parsed = environmentSchema.safeParse(source);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`);
  throw new Error(`Invalid environment: ${problems.join("; ")}.`);
}

export const SECRET_MIN_LENGTH = 32;

export const MISSING_SECRET_MESSAGE =
  "NEXTAUTH_SECRET (or AUTH_SECRET) must be set when NODE_ENV=production: sessions are signed with it. " +
  "Generate one with `openssl rand -base64 32`. (`npm start` creates one for local use outside production.)";

export const WEAK_SECRET_MESSAGE =
  `NEXTAUTH_SECRET (or AUTH_SECRET) must be at least ${SECRET_MIN_LENGTH} characters: anyone who guesses it ` +
  "can sign sessions as any user. Generate one with `openssl rand -base64 32`.";

/**
 * The session signing secret, by the one rule every entry point applies: a configured secret must be
 * strong (at least 32 characters), and production must configure one. `next build` runs with
 * NODE_ENV=production too, but only renders pages to learn they are dynamic, signs nothing, and must
 * work on a build machine that does not hold the secret. Undefined outside production when unset
 * (`npm start` then generates one into the data folder). It is also the only variable with two names.
 */
export function sessionSecret(environment: Environment = env()): string | undefined {
  const secret = environment.NEXTAUTH_SECRET ?? environment.AUTH_SECRET;
  if (environment.NEXT_PHASE === "phase-production-build") return secret;
  if (secret !== undefined && secret.length < SECRET_MIN_LENGTH) throw new Error(WEAK_SECRET_MESSAGE);
  if (secret === undefined && environment.NODE_ENV === "production") throw new Error(MISSING_SECRET_MESSAGE);
  return secret;
}
