import "server-only";
import type { Coupon, CounterMode, Prisma } from "@/lib/generated/prisma/client";
import { type CouponRefusal, couponRefusal, SLOT_COUNT } from "./coupon-terms";
import type { Db } from "./db/client";
import type { Tx } from "./db/transaction";

/**
 * Where a coupon's uses are counted, behind one interface (UseCounter) with two implementations. The
 * exactly-once primitive (lib/coupon-use.ts) picks one by the coupon's counter mode; nothing else does.
 *
 * SINGLE_ROW (couponRowCounter): `coupons.redeemed_count`, consumed by the coupon row's own guarded
 * UPDATE, whose where-clause carries every coupon-level limit. Every use of the code queues on that one
 * row from its UPDATE to COMMIT.
 *
 * SLOTS (slotCounter, hot-coupon mode): the limit is split over coupon_counter_slots. A use is taken from
 * one slot with the same guarded UPDATE pattern (`used < capacity`, count checked), so uses of one code
 * spread over several rows. Each slot carries the coupon's terms version; every change to the coupon's
 * terms rewrites it (trigger, same transaction), so a slot UPDATE both waits for a concurrent disable or
 * edit and fails once it has happened. Unlimited coupons always use slots without a capacity: they never
 * queue on a single row.
 */

/** `last`: this use was the coupon's last one (its limit is reached once this transaction commits). */
export type TakeUse = { ok: true; last: boolean } | { ok: false; reason: CouponRefusal | "terms_changed" };

export type PreparedUse =
  | { ok: false; reason: "exhausted" }
  /** `take` is the guarded UPDATE; call it as late as possible in the transaction (see lib/coupon-use.ts). */
  | { ok: true; take: (now: Date) => Promise<TakeUse> };

export interface UseCounter {
  /**
   * Readies taking one use under `terms` (the coupon as the caller judged it). It may refuse as exhausted
   * from committed state, which takes nothing; it never grants anything: only `take` does.
   * `terms_changed` from `take` means the coupon's terms moved since `terms` was read: start over.
   */
  prepare(tx: Tx, terms: Coupon): Promise<PreparedUse>;
  /** Gives one use back; false when this counter holds none. */
  giveBack(tx: Tx, couponId: string): Promise<boolean>;
}

export function counterFor(mode: CounterMode): UseCounter {
  return mode === "SLOTS" ? slotCounter : couponRowCounter;
}

// ---------------------------------------------------------------------------------------------
// On the coupon row

/**
 * Every coupon-level limit as one where-clause, so the write that consumes a use is the same
 * statement that checks status, window and remaining uses (field reference, no read beforehand).
 */
function usableCouponWhere(tx: Tx, terms: Pick<Coupon, "id" | "termsVersion">, now: Date): Prisma.CouponWhereInput {
  return {
    // The terms the caller already acted on (credit amount, per-user limit, counter) must still be the
    // coupon's: any change to them bumps the version (trigger coupons_bump_terms_version).
    id: terms.id,
    termsVersion: terms.termsVersion,
    status: "ACTIVE",
    AND: [
      { OR: [{ startsAt: null }, { startsAt: { lte: now } }] },
      { OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
      { OR: [{ maxRedemptions: null }, { redeemedCount: { lt: tx.coupon.fields.maxRedemptions } }] },
    ],
  };
}

const couponRowCounter: UseCounter = {
  // The row's count is part of the snapshot the caller judged (couponRefusal): nothing more to read.
  prepare: async (tx, terms) => ({ ok: true, take: (now) => takeFromCouponRow(tx, terms, now) }),

  async giveBack(tx, couponId) {
    const given = await tx.coupon.updateMany({
      where: { id: couponId, counterMode: "SINGLE_ROW", redeemedCount: { gt: 0 } },
      data: { redeemedCount: { decrement: 1 } },
    });
    return given.count === 1;
  },
};

/** One guarded UPDATE of the coupon row; when it matches nothing, the row as it is now says why. */
async function takeFromCouponRow(tx: Tx, terms: Coupon, now: Date): Promise<TakeUse> {
  const [consumed] = await tx.coupon.updateManyAndReturn({
    where: usableCouponWhere(tx, terms, now),
    data: { redeemedCount: { increment: 1 } },
    select: { redeemedCount: true, maxRedemptions: true },
  });
  if (consumed) return { ok: true, last: consumed.redeemedCount === consumed.maxRedemptions };
  const refusal = couponRefusal(await tx.coupon.findUnique({ where: { id: terms.id } }), now);
  // Still usable means its terms changed since they were read (an admin edit).
  return { ok: false, reason: refusal ?? "terms_changed" };
}

// ---------------------------------------------------------------------------------------------
// In hot-coupon slots

const slotCounter: UseCounter = {
  async prepare(tx, terms) {
    const open = await openSlots(tx, terms.id);
    if (open.length === 0) return { ok: false, reason: "exhausted" };
    return { ok: true, take: (now) => takeFromSlots(tx, terms, open, now) };
  },
  giveBack: giveBackSlotUse,
};

/**
 * The slot's guarded UPDATE requires the terms version judged here, so these terms (status, window,
 * value, limits) are the coupon's until this transaction commits.
 */
async function takeFromSlots(tx: Tx, terms: Coupon, open: number[], now: Date): Promise<TakeUse> {
  const refusal = couponRefusal(terms, now);
  if (refusal) return { ok: false, reason: refusal };
  const taken = await takeSlotUse(tx, terms, open);
  if (taken === "taken" || taken === "filled")
    return { ok: true, last: taken === "filled" && (await allSlotsFull(tx, terms)) };
  return { ok: false, reason: taken };
}

/**
 * Whether every slot is full, asked by a use that filled its slot. Uses filling the last slots at once
 * each hold their own slot's lock, so they queue on one advisory lock per coupon instead: each reads
 * the slots (READ COMMITTED: the next statement's snapshot) after the ones before it committed, so
 * exactly one of them (the last to commit that takes the limit) sees every slot full.
 */
async function allSlotsFull(tx: Tx, terms: Coupon): Promise<boolean> {
  if (terms.maxRedemptions === null) return false;
  // Two statements: the sum's snapshot must be taken after the lock is granted, not before it waited.
  await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext('coupon-exhausted'), hashtext(${terms.id}))::text`;
  const [row] = await tx.$queryRaw<{ used: number }[]>`
    SELECT COALESCE(sum("used"), 0)::int AS "used" FROM "coupon_counter_slots" WHERE "coupon_id" = ${terms.id}::uuid`;
  return row!.used === terms.maxRedemptions;
}

type Terms = Pick<Coupon, "id" | "termsVersion">;

const withRoom = (tx: Tx) => ({ OR: [{ capacity: null }, { used: { lt: tx.couponCounterSlot.fields.capacity } }] });

/** Slots that had room when last committed: a use is tried from these, and none means exhausted. */
async function openSlots(tx: Tx, couponId: string): Promise<number[]> {
  const rows = await tx.couponCounterSlot.findMany({ where: { couponId, ...withRoom(tx) }, select: { slot: true } });
  return rows.map((row) => row.slot);
}

/** "filled": taken, and the slot it came from is full now. */
type SlotUse = "taken" | "filled" | "exhausted" | "terms_changed";

// A slot emptied under us is retried from a fresh read; others taking uses is progress, so this is a backstop.
const MAX_SLOT_ROUNDS = 20;

/**
 * Takes one use from a slot that has room, for a caller that judged the coupon at `terms`. Each
 * attempt is one guarded UPDATE: room left and the same terms version. A slot locked by another
 * transaction is waited for (not skipped), so "exhausted" is only answered once every slot is full in
 * committed state: skipping could refuse while a slot's holder was about to roll back.
 */
async function takeSlotUse(tx: Tx, terms: Terms, open: number[]): Promise<SlotUse> {
  let candidates = shuffle(open);
  for (let round = 0; round < MAX_SLOT_ROUNDS; round++) {
    for (const slot of candidates) {
      const [taken] = await tx.couponCounterSlot.updateManyAndReturn({
        where: { couponId: terms.id, slot, termsVersion: terms.termsVersion, ...withRoom(tx) },
        data: { used: { increment: 1 } },
        select: { used: true, capacity: true },
      });
      if (taken) return taken.used === taken.capacity ? "filled" : "taken";
    }
    const slots = await tx.couponCounterSlot.findMany({ where: { couponId: terms.id } });
    if (slots.length === 0 || slots.some((s) => s.termsVersion !== terms.termsVersion)) return "terms_changed";
    candidates = shuffle(slots.filter((s) => s.capacity === null || s.used < s.capacity).map((s) => s.slot));
    if (candidates.length === 0) return "exhausted";
  }
  return "terms_changed";
}

/** Gives one use back to any slot holding one; false if no slot held a use. */
async function giveBackSlotUse(tx: Tx, couponId: string): Promise<boolean> {
  for (let round = 0; round < MAX_SLOT_ROUNDS; round++) {
    const held = await tx.couponCounterSlot.findMany({ where: { couponId, used: { gt: 0 } }, select: { slot: true } });
    if (held.length === 0) return false;
    for (const slot of shuffle(held.map((h) => h.slot))) {
      const given = await tx.couponCounterSlot.updateMany({
        where: { couponId, slot, used: { gt: 0 } },
        data: { used: { decrement: 1 } },
      });
      if (given.count === 1) return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Laying out and re-laying slots

/** `total` as `parts` whole shares that differ by at most one, larger shares first. */
function split(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

export interface SlotRow {
  slot: number;
  capacity: number | null;
  used: number;
}

/**
 * The slots of a coupon holding `used` uses out of `max` (null = unlimited). Every slot gets a near
 * equal share of both the uses and the room left, so none starts out full while others have room.
 */
export function slotLayout(max: number | null, used: number): SlotRow[] {
  const count = max === null ? SLOT_COUNT : Math.min(SLOT_COUNT, max);
  const usedShares = split(used, count);
  const roomShares = max === null ? null : split(max - used, count).reverse();
  return usedShares.map((share, slot) => ({
    slot,
    used: share,
    capacity: roomShares ? share + roomShares[slot]! : null,
  }));
}

/**
 * Moves a coupon's uses into the counter its new limit and mode call for, keeping every use. Runs in
 * the admin's transaction after the coupon's own UPDATE: by then the coupon row is locked and the
 * terms-version trigger has locked every slot, so no use is taken or given back meanwhile. A coupon
 * moving to slots must have had its row counter zeroed by that UPDATE (CHECK). Returns false when the
 * uses already taken do not fit under the new limit.
 */
export async function relayCounters(tx: Tx, before: Coupon, after: Coupon): Promise<boolean> {
  if (before.maxRedemptions === after.maxRedemptions && before.counterMode === after.counterMode) return true;
  const used = await usesHeld(tx, before);
  if (after.maxRedemptions !== null && used > after.maxRedemptions) return false;
  await tx.couponCounterSlot.deleteMany({ where: { couponId: after.id } });
  if (after.counterMode === "SINGLE_ROW") {
    await tx.coupon.update({ where: { id: after.id }, data: { redeemedCount: used } });
  } else {
    await createSlots(tx, after, used);
  }
  return true;
}

/** The slot rows of a SLOTS coupon, stamped with the terms version they were laid out under. */
export function slotRows(coupon: Pick<Coupon, "maxRedemptions" | "termsVersion">, used = 0) {
  return slotLayout(coupon.maxRedemptions, used).map((row) => ({ ...row, termsVersion: coupon.termsVersion }));
}

async function createSlots(tx: Tx, coupon: Coupon, used: number): Promise<void> {
  await tx.couponCounterSlot.createMany({
    data: slotRows(coupon, used).map((row) => ({ ...row, couponId: coupon.id })),
  });
}

async function usesHeld(tx: Tx, coupon: Coupon): Promise<number> {
  if (coupon.counterMode === "SINGLE_ROW") return coupon.redeemedCount;
  const { _sum } = await tx.couponCounterSlot.aggregate({ where: { couponId: coupon.id }, _sum: { used: true } });
  return _sum.used ?? 0;
}

/** How many uses each coupon has given out, wherever they are counted: what admins are shown. */
export async function redeemedTotals(
  db: Db | Tx,
  coupons: Pick<Coupon, "id" | "redeemedCount">[],
): Promise<Map<string, number>> {
  const sums = await db.couponCounterSlot.groupBy({
    by: ["couponId"],
    where: { couponId: { in: coupons.map((c) => c.id) } },
    _sum: { used: true },
  });
  const slotUses = new Map(sums.map((s) => [s.couponId, s._sum.used ?? 0]));
  return new Map(coupons.map((c) => [c.id, c.redeemedCount + (slotUses.get(c.id) ?? 0)]));
}

function shuffle<T>(items: T[]): T[] {
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [result[i], result[j]] = [result[j]!, result[i]!];
  }
  return result;
}
