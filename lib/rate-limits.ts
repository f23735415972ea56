import { env } from "@/lib/env";
import ipaddr from "ipaddr.js";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { z } from "zod";
import type { Db } from "./db/client";
import { Prisma } from "./generated/prisma/client";

/**
 * Rate limits that hold across every app instance: the counters live in PostgreSQL (`rate_limits`),
 * kept by rate-limiter-flexible's PostgreSQL store. Its consume is one statement,
 * `INSERT … ON CONFLICT (key) DO UPDATE SET points = points + $n … RETURNING points`, so the count a
 * request is judged by is the one its own write produced: no read-then-write, whichever instance asks.
 *
 * Every policy charges before the work it protects (a guess, a password check, a sign-up), so a burst
 * of concurrent requests is judged one increment at a time; what the outcome turns out to cost is
 * settled afterwards (a success refunds the difference, a sign-in success forgets the failures).
 */

// ---------------------------------------------------------------------------------------------
// Settings

/** `<points>/<window>`, the window in s, m, h or d: "60/15m" is 60 points per 15 minutes. */
const budgetSchema = z
  .string()
  .trim()
  .regex(/^\d+\s*\/\s*\d+\s*[smhd]$/, 'Write a budget as "<points>/<window>", like 60/15m.')
  .transform((value) => {
    const [points, window] = value.split("/").map((part) => part.trim());
    const unit = { s: 1, m: 60, h: 3_600, d: 86_400 }[window!.slice(-1) as "s" | "m" | "h" | "d"];
    return { points: Number(points), windowSeconds: Number(window!.slice(0, -1)) * unit };
  })
  .refine((b) => b.points >= 1 && b.windowSeconds >= 1, "Points and window must both be at least 1.");

const durationSchema = z
  .string()
  .trim()
  .regex(/^\d+\s*[smhd]$/, "Write a duration like 30s, 15m, 1h or 1d.")
  .transform((value) => Number(value.slice(0, -1)) * { s: 1, m: 60, h: 3_600, d: 86_400 }[value.slice(-1) as "s"])
  .refine((seconds) => seconds >= 1, "A duration is at least one second.");

const costSchema = z.coerce.number().int().min(1).max(1_000);

export type Budget = z.infer<typeof budgetSchema>;

export interface RateLimitSettings {
  /** Redeem attempts per customer. A success costs 1 point, an unknown or malformed code `unknownCodeCost`. */
  redeemPerCustomer: Budget;
  /** Redeem attempts per client address, costed the same way. */
  redeemPerAddress: Budget;
  unknownCodeCost: number;
  /** Failed sign-ins per account; the next one is refused for `signInLock` once the budget is spent. */
  signInPerAccount: Budget;
  /** Failed sign-ins allowed at full speed; each later one must wait twice as long as the one before. */
  signInSlowdownAfter: number;
  signInLockSeconds: number;
  /** Failed sign-ins per client address (whatever the accounts). */
  signInPerAddress: Budget;
  /** Accounts created per client address. */
  signUpPerAddress: Budget;
  /** Requests per API key (a store's server), whatever they ask. */
  apiKeyRequests: Budget;
}

const settingsSchema = z.object({
  RATE_LIMIT_REDEEM_CUSTOMER: budgetSchema.prefault("60/15m"),
  RATE_LIMIT_REDEEM_ADDRESS: budgetSchema.prefault("300/15m"),
  RATE_LIMIT_REDEEM_UNKNOWN_COST: costSchema.default(5),
  RATE_LIMIT_SIGN_IN_ACCOUNT: budgetSchema.prefault("10/1h"),
  RATE_LIMIT_SIGN_IN_SLOWDOWN_AFTER: z.coerce.number().int().min(0).default(5),
  RATE_LIMIT_SIGN_IN_LOCK: durationSchema.prefault("15m"),
  RATE_LIMIT_SIGN_IN_ADDRESS: budgetSchema.prefault("100/1h"),
  RATE_LIMIT_SIGN_UP_ADDRESS: budgetSchema.prefault("10/1h"),
  RATE_LIMIT_API_KEY: budgetSchema.prefault("600/1m"),
});

/**
 * The limits, read from the environment (lib/env.ts) once per call; every variable has a default. An invalid value stops with the variable's name rather than run unlimited.
 */
export function rateLimitSettings(source: Partial<Record<string, unknown>> = env()): RateLimitSettings {
  const parsed = settingsSchema.safeParse(
    Object.fromEntries(Object.keys(settingsSchema.shape).map((name) => [name, source[name] || undefined])),
  );
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${String(issue.path[0])}: ${issue.message}`);
  }
  const s = parsed.data;
  return {
    redeemPerCustomer: s.RATE_LIMIT_REDEEM_CUSTOMER,
    redeemPerAddress: s.RATE_LIMIT_REDEEM_ADDRESS,
    unknownCodeCost: s.RATE_LIMIT_REDEEM_UNKNOWN_COST,
    signInPerAccount: s.RATE_LIMIT_SIGN_IN_ACCOUNT,
    signInSlowdownAfter: Math.min(s.RATE_LIMIT_SIGN_IN_SLOWDOWN_AFTER, s.RATE_LIMIT_SIGN_IN_ACCOUNT.points),
    signInLockSeconds: s.RATE_LIMIT_SIGN_IN_LOCK,
    signInPerAddress: s.RATE_LIMIT_SIGN_IN_ADDRESS,
    signUpPerAddress: s.RATE_LIMIT_SIGN_UP_ADDRESS,
    apiKeyRequests: s.RATE_LIMIT_API_KEY,
  };
}

// ---------------------------------------------------------------------------------------------
// The store

const TABLE = "rate_limits";

/**
 * rate-limiter-flexible speaks to PostgreSQL through a `query({ text, values })` client. This one runs
 * its statements through the app's Prisma client, so the limiter shares the app's pool and its
 * prepared-statement setting (DATABASE_PREPARED_STATEMENTS, off behind an old PgBouncer). Our migration creates the
 * table, and the library is told so: it never runs DDL at request time.
 */
function storeClient(db: Db) {
  return {
    async query({ text, values = [] }: { text: string; values?: unknown[] }) {
      if (/^\s*DELETE\b/i.test(text)) return { rows: [], rowCount: await db.$executeRawUnsafe(text, ...values) };
      const rows = await db.$queryRawUnsafe<{ points: number | bigint; expire: number | bigint | null }[]>(
        text,
        ...values,
      );
      // The library does arithmetic on `expire` (a BIGINT of milliseconds), which Prisma returns as a BigInt.
      const numeric = rows.map((row) => ({
        points: Number(row.points),
        expire: row.expire === null ? null : Number(row.expire),
      }));
      return { rows: numeric, rowCount: numeric.length };
    },
  };
}

type Limiter = RateLimiterPostgres;
/** Each policy is also the prefix of its keys in `rate_limits` (`<policy>:<subject>`). */
export type Policy =
  | "redeem-customer"
  | "redeem-address"
  | "sign-in-account"
  | "sign-in-pace"
  | "sign-in-address"
  | "sign-up-address"
  | "api-key";

const limiterCache = new WeakMap<Db, Map<string, Limiter>>();

/** One limiter per (database client, policy, budget); building one is cheap, but its clean-up timer is not free. */
function limiter(db: Db, policy: Policy, budget: Budget, blockSeconds = 0): Limiter {
  let byPolicy = limiterCache.get(db);
  if (!byPolicy) limiterCache.set(db, (byPolicy = new Map()));
  const id = `${policy}|${budget.points}|${budget.windowSeconds}|${blockSeconds}`;
  let found = byPolicy.get(id);
  if (!found) {
    found = new RateLimiterPostgres({
      storeClient: storeClient(db),
      storeType: "prisma-raw",
      tableName: TABLE,
      tableCreated: true,
      keyPrefix: policy,
      points: budget.points,
      duration: budget.windowSeconds,
      blockDuration: blockSeconds,
      // Deletes windows that ended over an hour ago, every 5 minutes; one limiter per client is enough.
      clearExpiredByTimeout: byPolicy.size === 0,
    });
    byPolicy.set(id, found);
  }
  return found;
}

export interface Consumed {
  ok: boolean;
  /** Points charged to the key in its current window, this charge included. */
  consumedPoints: number;
  /** Until the window (or the lock) ends. */
  msBeforeNext: number;
}

/**
 * Charges `points` to `key` in one atomic statement and says whether the key is still within its
 * budget. Exact under any concurrency and across instances: each caller is judged by the total its own
 * increment returned, so of N concurrent 1-point charges against a budget of B exactly min(N, B) pass.
 */
export async function consume(
  db: Db,
  policy: Policy,
  budget: Budget,
  key: string,
  points = 1,
  options: { blockSeconds?: number; windowSeconds?: number } = {},
): Promise<Consumed> {
  const rl = limiter(db, policy, budget, options.blockSeconds);
  const custom = options.windowSeconds === undefined ? {} : { customDuration: options.windowSeconds };
  try {
    const res = await rl.consume(key, points, custom);
    return { ok: true, consumedPoints: res.consumedPoints, msBeforeNext: res.msBeforeNext };
  } catch (refusal) {
    if (!(refusal instanceof RateLimiterRes)) throw refusal;
    return { ok: false, consumedPoints: refusal.consumedPoints, msBeforeNext: refusal.msBeforeNext };
  }
}

/**
 * Gives points back (an atomic decrement). A refund that lands after its window ended opens the next
 * window below zero, by at most one attempt's reservation: a bounded gift, never an extra guess now.
 */
async function refund(db: Db, policy: Policy, budget: Budget, key: string, points: number): Promise<void> {
  if (points > 0) await limiter(db, policy, budget).reward(key, points);
}

async function forget(db: Db, policy: Policy, budget: Budget, key: string): Promise<void> {
  await limiter(db, policy, budget).delete(key);
}

interface Charge {
  policy: Policy;
  budget: Budget;
  key: string;
  points: number;
}

/**
 * Charges (or, with negative points, refunds) several keys in ONE statement, with the library's own
 * upsert per key (a window that ended restarts at this charge; see RateLimiterPostgres._upsert), so a
 * request that is charged to two budgets costs one round trip, not two. `inOrder`: each key is charged
 * only when every key before it was still within its budget (as separate consumes in turn would), by
 * chaining the upserts in data-modifying CTEs; the keys are always locked in the order given.
 * Returns what each charged key holds now; a key left uncharged (after a refusal) is missing.
 */
async function chargeAll(db: Db, charges: Charge[], inOrder: boolean): Promise<(Consumed | undefined)[]> {
  const now = Date.now();
  const upserts = charges.map((charge, i) => {
    const row = Prisma.sql`${`${charge.policy}:${charge.key}`}::text, ${charge.points}::int, ${now + charge.budget.windowSeconds * 1000}::bigint`;
    const previous = Prisma.raw(`"c${i - 1}"`);
    const source =
      i > 0 && inOrder
        ? Prisma.sql`SELECT ${row} FROM ${previous} WHERE ${previous}."points" <= ${charges[i - 1]!.budget.points}`
        : Prisma.sql`VALUES (${row})`;
    return Prisma.sql`${Prisma.raw(`"c${i}"`)} AS (
      INSERT INTO "rate_limits" ("key", "points", "expire") ${source}
      ON CONFLICT ("key") DO UPDATE SET
        "points" = CASE WHEN "rate_limits"."expire" <= ${now} THEN EXCLUDED."points" ELSE "rate_limits"."points" + EXCLUDED."points" END,
        "expire" = CASE WHEN "rate_limits"."expire" <= ${now} THEN EXCLUDED."expire" ELSE "rate_limits"."expire" END
      RETURNING ${i}::int AS "i", "points", "expire")`;
  });
  const results = Prisma.join(
    charges.map((_, i) => Prisma.sql`SELECT "i", "points", "expire" FROM ${Prisma.raw(`"c${i}"`)}`),
    " UNION ALL ",
  );
  const rows = await db.$queryRaw<{ i: number; points: number; expire: bigint | null }[]>`
    WITH ${Prisma.join(upserts, ", ")} ${results}`;
  const byIndex = new Map(rows.map((row) => [row.i, row]));
  return charges.map((charge, i) => {
    const row = byIndex.get(i);
    if (!row) return undefined;
    return {
      ok: row.points <= charge.budget.points,
      consumedPoints: row.points,
      msBeforeNext: row.expire === null ? -1 : Math.max(Number(row.expire) - Date.now(), 0),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Subjects

/**
 * The rate-limit subject for a client address: IPv4 as is, IPv6 by its /64 (one customer line or
 * host gets a whole /64, so a per-address limit on single IPv6 addresses limits nothing).
 */
export function addressSubject(address: string | null | undefined): string | null {
  if (!address || !ipaddr.isValid(address)) return null;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === "ipv4") return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(":")}::/64`;
}

function retryAfterSeconds(msBeforeNext: number): number {
  return Math.max(1, Math.ceil(msBeforeNext / 1000));
}

export type RateLimitScope = "customer" | "address" | "account" | "key";

/** A request refused by a rate limit: nothing was attempted; try again in `retryAfterSeconds`. */
export interface RateLimited {
  ok: false;
  reason: "rate_limited";
  scope: RateLimitScope;
  retryAfterSeconds: number;
  /** Sign-in only: refused to slow a run of failures down, not yet locked. */
  slowdown?: boolean;
}

function limited(scope: RateLimitScope, consumed: Consumed, slowdown = false): RateLimited {
  return {
    ok: false,
    reason: "rate_limited",
    scope,
    retryAfterSeconds: retryAfterSeconds(consumed.msBeforeNext),
    ...(slowdown ? { slowdown } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Redeem attempts

export type RedeemCost = "known_code" | "unknown_code";

export type RedeemAdmission = { ok: true; settle(cost: RedeemCost): Promise<void> } | RateLimited;

/**
 * Admits one redeem attempt, or refuses it. An attempt is charged the unknown-code cost up front, so
 * even a burst that arrives before any outcome is known gets at most budget / cost guesses to the
 * engine; `settle("known_code")` then refunds all but one point (successes and refusals of codes
 * that exist: expired, used up, …). Per customer always, per address when the address is known.
 */
export async function admitRedeemAttempt(
  db: Db,
  subject: { userId: string; address?: string | null },
  settings = rateLimitSettings(),
): Promise<RedeemAdmission> {
  const reserved = settings.unknownCodeCost;
  const charges: (Charge & { scope: RateLimitScope })[] = [
    {
      policy: "redeem-customer",
      budget: settings.redeemPerCustomer,
      key: subject.userId,
      points: reserved,
      scope: "customer",
    },
  ];
  const address = addressSubject(subject.address);
  if (address)
    charges.push({
      policy: "redeem-address",
      budget: settings.redeemPerAddress,
      key: address,
      points: reserved,
      scope: "address",
    });

  // Both budgets in one statement, the address charged only while the customer is within theirs.
  const consumed = await chargeAll(db, charges, true);
  for (const [i, charge] of charges.entries()) {
    if (!consumed[i]!.ok) return limited(charge.scope, consumed[i]!);
  }
  return {
    ok: true,
    async settle(cost) {
      if (cost === "unknown_code" || reserved === 1) return;
      await chargeAll(
        db,
        charges.map((c) => ({ ...c, points: 1 - reserved })),
        false,
      );
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Sign-in

export type SignInAdmission = { ok: true; settle(succeeded: boolean): Promise<void> } | RateLimited;

/** Seconds the next sign-in must wait after `failures` failures in a row: none up to the slowdown, then 1, 2, 4, … */
export function signInWaitSeconds(failures: number, settings: RateLimitSettings): number {
  const over = failures - settings.signInSlowdownAfter;
  return over <= 0 ? 0 : Math.min(2 ** (over - 1), settings.signInLockSeconds);
}

/** The pace key holds one point per window; each window is as long as the wait it imposes (customDuration). */
const PACE: Budget = { points: 1, windowSeconds: 1 };

/**
 * Admits one password check for `email` from `address`, before it runs, or refuses it. Per account:
 * the first failures run at full speed, then each must wait twice as long as the last, and once the
 * budget is spent the account is locked for the lock duration (whoever asks: an attacker cannot
 * tell a locked account from an unknown one). Per address: failures across all accounts. A success
 * forgets the account's failures and refunds the address's charge.
 */
export async function admitSignIn(
  db: Db,
  subject: { email: string; address?: string | null },
  settings = rateLimitSettings(),
): Promise<SignInAdmission> {
  const account = subject.email.trim().toLowerCase();
  const address = addressSubject(subject.address);
  if (address) {
    const byAddress = await consume(db, "sign-in-address", settings.signInPerAddress, address, 1, {
      blockSeconds: settings.signInPerAddress.windowSeconds,
    });
    if (!byAddress.ok) return limited("address", byAddress);
  }
  const byAccount = await consume(db, "sign-in-account", settings.signInPerAccount, account, 1, {
    blockSeconds: settings.signInLockSeconds,
  });
  if (!byAccount.ok) return limited("account", byAccount);

  // Counted as a failure until it succeeds: once past the slowdown, this attempt opens a pace window as
  // long as the wait its failure would impose, and an attempt while the previous one's is open is refused.
  const wait = signInWaitSeconds(byAccount.consumedPoints, settings);
  if (wait > 0) {
    const paced = await consume(db, "sign-in-pace", PACE, account, 1, { windowSeconds: wait });
    if (!paced.ok) return limited("account", paced, true);
  }
  return {
    ok: true,
    async settle(succeeded) {
      if (!succeeded) return;
      await Promise.all([
        forget(db, "sign-in-account", settings.signInPerAccount, account),
        forget(db, "sign-in-pace", PACE, account),
        address ? refund(db, "sign-in-address", settings.signInPerAddress, address, 1) : undefined,
      ]);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Sign-up

export type SignUpAdmission = { ok: true; settle(created: boolean): Promise<void> } | RateLimited;

/**
 * Admits one sign-up from `address`, or refuses it. Charged up front; a form refused for invalid input
 * created nothing and is refunded, while "email taken" stays charged (it is how emails are probed).
 */
export async function admitSignUp(
  db: Db,
  address: string | null | undefined,
  settings = rateLimitSettings(),
): Promise<SignUpAdmission> {
  const subject = addressSubject(address);
  if (!subject) return { ok: true, settle: async () => {} };
  const consumed = await consume(db, "sign-up-address", settings.signUpPerAddress, subject);
  if (!consumed.ok) return limited("address", consumed);
  return {
    ok: true,
    async settle(charged) {
      if (!charged) await refund(db, "sign-up-address", settings.signUpPerAddress, subject, 1);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// API keys

/**
 * Admits one request made with an API key, or refuses it: a point per request, charged before anything
 * else is read. A store's calls all come from its servers' few addresses, so the key, not the address,
 * is the client; a key's guesses at codes are further charged per customer, as on the site.
 */
export async function admitApiKeyRequest(
  db: Db,
  keyId: string,
  settings = rateLimitSettings(),
): Promise<{ ok: true } | RateLimited> {
  const consumed = await consume(db, "api-key", settings.apiKeyRequests, keyId);
  return consumed.ok ? { ok: true } : limited("key", consumed);
}
