/**
 * Property-based tests (fast-check): random programs of redeem, revoke, coupon disable/enable, limit
 * edits, customer disable/enable, purchases, orders (with or without a code, of a product with stock and
 * one without) and order cancels (by the customer or the admin) over a few users, coupons (store credit
 * and discount codes, some for first orders only) and idempotency keys, each program's commands fired at
 * PostgreSQL all at once. After every program:
 * - no command threw: each answered a typed outcome (a 500 would have been an exception);
 * - every invariant of lib/invariants.ts holds over the whole database: among them stock never below 0
 *   and equal to its movements, balances equal to their ledgers, each coupon's uses equal to its active
 *   redemptions plus its orders not cancelled, each customer's live-order count equal to their orders;
 * - the rows agree with the answers: as many redemptions and orders exist as were reported created.
 * PROPERTY_RUNS programs (default 150, CI); `npm run bench:properties` runs thousands. A failure prints
 * fast-check's seed and the shrunk program; PROPERTY_SEED replays it.
 */
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { naiveRedeem } from "@/lib/controls/naive";
import type { Db } from "@/lib/db/client";
import { findViolations } from "@/lib/invariants";
import { redeemCoupon } from "@/lib/redemptions";
import { type Command, SHAPE, type World, anyCommand, couponTerms, runCommand } from "./properties/commands";
import { freshDatabase, makeCoupon, makeUsers, meetingPoint, newKey, race, type TestDatabase } from "./helpers";
import { makeAdminAndCustomer } from "./admin-helpers";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 150);
const SEED = process.env.PROPERTY_SEED === undefined ? undefined : Number(process.env.PROPERTY_SEED);

let test: TestDatabase;
let adminId: string;
let productId: string;
let untrackedSku: string;
let programs = 0;
let commandsRun = 0;
const outcomes: Record<string, number> = {};

beforeAll(async () => {
  test = await freshDatabase(12);
  ({ adminId } = await makeAdminAndCustomer(test.db));
  const product = await test.db.product.create({
    data: { sku: `PROP-${newKey()}`, name: "Property mug", priceCents: 200 },
  });
  productId = product.id;
  untrackedSku = product.sku;
});
afterAll(async () => {
  console.log(`\nproperty programs: ${programs}, commands: ${commandsRun}, outcomes: ${JSON.stringify(outcomes)}`);
  await test.drop();
});

const program = fc.record({
  coupons: fc.array(couponTerms, { minLength: SHAPE.coupons, maxLength: SHAPE.coupons }),
  // Rounds run one after the other, the commands of a round all at once: later rounds revoke and spend
  // what earlier ones redeemed, while every round is a race of its own.
  rounds: fc.array(fc.array(anyCommand, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 3 }),
});

/** Units of the program's stock-tracked product: fewer than its orders may ask for, so they run out. */
const STOCK = 4;
const STARTING_CREDIT_CENTS = 1_000;

async function newWorld(db: Db, terms: Parameters<typeof makeCoupon>[1][]): Promise<World> {
  const prefix = `prop-${newKey().slice(0, 8)}`;
  const users = await makeUsers(db, SHAPE.users, prefix);
  const coupons = await Promise.all(terms.map((t) => makeCoupon(db, t)));
  // Credit to start with, so orders get as far as their codes, stock and first-order checks.
  const topUp = await makeCoupon(db, { valueCents: STARTING_CREDIT_CENTS, maxRedemptions: null });
  const credited = await Promise.all(
    users.map((userId) => redeemCoupon(db, { userId, code: topUp.code, idempotencyKey: newKey() })),
  );
  if (!credited.every((r) => r.ok)) throw new Error("could not give the program's customers their starting credit");
  const keys = Array.from({ length: SHAPE.keys }, newKey);
  const orderKeys = Array.from({ length: SHAPE.keys }, newKey);
  const tracked = await db.product.create({
    data: { sku: prefix.toUpperCase(), name: "Property tee", priceCents: 100, stock: STOCK },
  });
  await db.stockMovement.create({ data: { productId: tracked.id, kind: "INITIAL", quantity: STOCK } });
  const skus = { untracked: untrackedSku, tracked: tracked.sku };
  return { db, adminId, productId, skus, users, coupons, keys, orderKeys };
}

async function runProgram(world: World, rounds: Command[][], run: typeof runCommand = runCommand) {
  const settled = [];
  for (const round of rounds) settled.push(...(await race(round.length, (i) => run(world, round[i]!))));
  const thrown = settled.filter((r) => r.status === "rejected").map((r) => String(r.reason));
  const answers = settled.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  for (const a of answers) {
    const label = `${a.command}:${a.ok ? "ok" : a.reason}`;
    outcomes[label] = (outcomes[label] ?? 0) + 1;
  }
  const [rows] = await world.db.$queryRaw<{ redemptions: number; orders: number }[]>`
    SELECT (SELECT count(*) FROM redemptions WHERE coupon_id = ANY(${world.coupons.map((c) => c.id)}::uuid[]))::int AS redemptions,
           (SELECT count(*) FROM orders WHERE user_id = ANY(${world.users}::uuid[]))::int AS orders`;
  const created = (kind: string) => answers.filter((a) => a.created === kind).length;
  programs++;
  commandsRun += settled.length;
  return {
    thrown,
    violations: await findViolations(world.db),
    rows,
    reported: { redemptions: created("redemption"), orders: created("order") },
  };
}

it(`${RUNS} random concurrent programs keep every invariant`, { timeout: RUNS * 10_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(program, async ({ coupons, rounds }) => {
      const result = await runProgram(await newWorld(test.db, coupons), rounds);
      expect(result.thrown).toEqual([]);
      expect(result.violations).toEqual([]);
      expect(result.rows).toEqual(result.reported);
    }),
    { numRuns: RUNS, seed: SEED },
  );
});

it("control: the same checks catch a check-then-act redeem (lib/controls/naive.ts) in the same kind of program", async () => {
  const control = await freshDatabase(4);
  try {
    const world = await newWorld(control.db, [{ maxRedemptions: 1 }]);
    // Every user redeems the single-use coupon at once; the naive callers all read before any of them writes.
    const round: Command[] = world.users.map((_, user) => ({ name: "redeem", args: { user, coupon: 0, key: 0 } }));
    const meet = meetingPoint(round.length);
    const result = await runProgram(world, [round], async (w, { args }) => {
      const { user, coupon, key } = args as { user: number; coupon: number; key: number };
      const answer = await naiveRedeem(
        w.db,
        { userId: w.users[user]!, code: w.coupons[coupon]!.code, idempotencyKey: w.keys[key]! },
        { checked: meet },
      );
      return { command: "naive redeem", ...answer, ...(answer.ok ? { created: "redemption" as const } : {}) };
    });
    expect(result.thrown).toEqual([]);
    expect(result.violations.map((v) => v.invariant)).toContain(
      "coupon's active redemptions, live orders and live holds within max_redemptions",
    );
  } finally {
    await control.drop();
  }
});
