/**
 * The commands the property tests (test/properties.test.ts) compose into random programs, one entry per
 * operation: how fast-check generates its arguments and how it runs against the database through the
 * domain, answering a typed outcome. A new operation is one more entry in COMMANDS; the generator and
 * the checks pick it up.
 */
import fc from "fast-check";
import { setCustomerDisabled } from "@/lib/accounts";
import { adminUpdateCoupon } from "@/lib/admin/coupons/edit";
import { adminChangeCoupons } from "@/lib/admin/coupons/status";
import { cancelOrder } from "@/lib/checkout/cancel-order";
import { placeOrder } from "@/lib/checkout/place-order";
import { COUNTER_CHOICES, type NewCoupon } from "@/lib/coupon-terms";
import type { Db } from "@/lib/db/client";
import { purchase } from "@/lib/purchase";
import { redeemCoupon, revokeRedemption } from "@/lib/redemptions";

/** How many users, coupons and idempotency keys a program draws from (small, so that they collide). */
export const SHAPE = { users: 3, coupons: 3, keys: 4 } as const;

/** What one program runs against: its own users, coupons and keys, in a database shared by all programs. */
export interface World {
  db: Db;
  adminId: string;
  productId: string;
  /** What an order's lines draw from: the untracked product above and this program's stock-tracked one. */
  skus: { untracked: string; tracked: string };
  users: string[];
  coupons: { id: string; code: string }[];
  keys: string[];
  /** Orders' keys, apart from the purchases' (both kinds of order share the orders' unique key per user). */
  orderKeys: string[];
}

export interface Outcome {
  command: string;
  ok: boolean;
  reason?: string;
  /** A redeem, a purchase or an order that created its row (not a replay): the checks count them against the rows. */
  created?: "redemption" | "order";
}

interface CommandSpec<Args> {
  args: fc.Arbitrary<Args>;
  run(world: World, args: Args): Promise<Omit<Outcome, "command">>;
}

const user = fc.nat(SHAPE.users - 1);
const coupon = fc.nat(SHAPE.coupons - 1);
const key = fc.nat(SHAPE.keys - 1);

const outcomeOf = (result: { ok: true } | { ok: false; reason: string }) =>
  result.ok ? { ok: true } : { ok: false, reason: result.reason };

function command<Args>(spec: CommandSpec<Args>): CommandSpec<unknown> {
  return spec as CommandSpec<unknown>;
}

export const COMMANDS = {
  redeem: command({
    args: fc.record({ user, coupon, key }),
    async run(w, a) {
      const result = await redeemCoupon(w.db, {
        userId: w.users[a.user]!,
        code: w.coupons[a.coupon]!.code,
        idempotencyKey: w.keys[a.key]!,
      });
      return result.ok && !result.replayed ? { ok: true, created: "redemption" } : outcomeOf(result);
    },
  }),
  /** Revokes the program's n-th redemption as it stands when the command runs (none yet: nothing to do). */
  revoke: command({
    args: fc.nat(7),
    async run(w, n) {
      const redemptions = await w.db.redemption.findMany({
        where: { userId: { in: w.users } },
        orderBy: { id: "asc" },
        select: { id: true },
      });
      if (redemptions.length === 0) return { ok: false, reason: "nothing_to_revoke" };
      const target = redemptions[n % redemptions.length]!;
      return outcomeOf(await revokeRedemption(w.db, { redemptionId: target.id, revokedById: w.adminId }));
    },
  }),
  setCouponStatus: command({
    args: fc.record({ coupon, status: fc.constantFrom("ACTIVE", "DISABLED") as fc.Arbitrary<"ACTIVE" | "DISABLED"> }),
    async run(w, a) {
      const change = a.status === "ACTIVE" ? "enable" : "disable";
      return outcomeOf(await adminChangeCoupons(w.db, w.adminId, [w.coupons[a.coupon]!.id], change));
    },
  }),
  editLimits: command({
    args: fc.record({
      coupon,
      valueCents: fc.constantFrom(100, 300, 700),
      maxRedemptions: fc.option(fc.integer({ min: 1, max: 6 }), { nil: null }),
      perUserLimit: fc.integer({ min: 1, max: 3 }),
      noRedeemAfterRevoke: fc.boolean(),
      counter: fc.constantFrom(...COUNTER_CHOICES),
    }),
    async run(w, { coupon: index, ...terms }) {
      return outcomeOf(await adminUpdateCoupon(w.db, w.adminId, w.coupons[index]!.id, terms));
    },
  }),
  setCustomerDisabled: command({
    args: fc.record({ user, disabled: fc.boolean() }),
    async run(w, a) {
      return outcomeOf(await setCustomerDisabled(w.db, w.adminId, w.users[a.user]!, a.disabled));
    },
  }),
  spend: command({
    args: fc.record({ user, key }),
    async run(w, a) {
      const result = await purchase(w.db, {
        userId: w.users[a.user]!,
        productId: w.productId,
        idempotencyKey: w.keys[a.key]!,
      });
      return result.ok && !result.replayed ? { ok: true, created: "order" } : outcomeOf(result);
    },
  }),
  /** An order of one or both products, with or without one of the program's codes (any kind: a credit code is refused). */
  placeOrder: command({
    args: fc.record({
      user,
      key,
      tracked: fc.integer({ min: 0, max: 3 }),
      untracked: fc.integer({ min: 0, max: 2 }),
      code: fc.option(coupon, { nil: null }),
    }),
    async run(w, a) {
      const lines = [
        ...(a.tracked ? [{ sku: w.skus.tracked, quantity: a.tracked }] : []),
        ...(a.untracked || !a.tracked ? [{ sku: w.skus.untracked, quantity: a.untracked || 1 }] : []),
      ];
      const result = await placeOrder(w.db, {
        userId: w.users[a.user]!,
        lines,
        discountCode: a.code === null ? null : w.coupons[a.code]!.code,
        idempotencyKey: w.orderKeys[a.key]!,
      });
      return result.ok && !result.replayed ? { ok: true, created: "order" } : outcomeOf(result);
    },
  }),
  /** Cancels the program's n-th order as it stands when the command runs, as its customer or as the admin. */
  cancelOrder: command({
    args: fc.record({ n: fc.nat(7), byAdmin: fc.boolean() }),
    async run(w, a) {
      const orders = await w.db.order.findMany({
        where: { userId: { in: w.users } },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        select: { id: true, userId: true },
      });
      if (orders.length === 0) return { ok: false, reason: "nothing_to_cancel" };
      const target = orders[a.n % orders.length]!;
      const by = a.byAdmin
        ? { kind: "admin" as const, adminId: w.adminId }
        : { kind: "customer" as const, userId: target.userId };
      return outcomeOf(await cancelOrder(w.db, { orderId: target.id, by }));
    },
  }),
};

export type CommandName = keyof typeof COMMANDS;
export interface Command {
  name: CommandName;
  args: unknown;
}

/** How often each command is drawn, relative to the others (1 unless listed): redeems race the most. */
const WEIGHTS: Partial<Record<CommandName, number>> = { redeem: 4, revoke: 2, spend: 2, placeOrder: 3, cancelOrder: 2 };

/** One command of any kind, with its arguments. */
export const anyCommand: fc.Arbitrary<Command> = fc.oneof(
  ...(Object.keys(COMMANDS) as CommandName[]).map((name) => ({
    weight: WEIGHTS[name] ?? 1,
    arbitrary: COMMANDS[name].args.map((args) => ({ name, args })),
  })),
);

export async function runCommand(world: World, { name, args }: Command): Promise<Outcome> {
  return { command: name, ...(await COMMANDS[name].run(world, args)) };
}

const limits = {
  maxRedemptions: fc.option(fc.integer({ min: 1, max: 6 }), { nil: null }),
  perUserLimit: fc.integer({ min: 1, max: 3 }),
  noRedeemAfterRevoke: fc.boolean(),
  counter: fc.constantFrom(...COUNTER_CHOICES),
};

/** A coupon's starting terms: store credit (redeemed), or a discount code (used in orders), maybe for first orders only. */
export const couponTerms: fc.Arbitrary<Partial<NewCoupon>> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ ...limits, valueCents: fc.constantFrom(100, 300, 700) }) },
  fc.record({
    ...limits,
    kind: fc.constant("AMOUNT_OFF" as const),
    valueCents: fc.constantFrom(100, 300),
    firstOrderOnly: fc.boolean(),
  }),
  fc.record({
    ...limits,
    kind: fc.constant("PERCENT_OFF" as const),
    valueCents: fc.constant(0),
    percentOff: fc.constantFrom(10, 50, 100),
    firstOrderOnly: fc.boolean(),
  }),
);
