import type { Coupon, CounterMode } from "@/lib/generated/prisma/client";
import type { Db } from "./db/client";
import type { Tx } from "./db/transaction";

/**
 * Where a coupon's uses are counted, and taking or giving back one use of a hot coupon.
 *
 * SINGLE_ROW: `coupons.redeemed_count`, consumed by the coupon row's own guarded UPDATE (see
 * lib/redemptions). Every redemption of the code queues on that one row from its UPDATE to COMMIT.
 *
 * SLOTS (hot-coupon mode): the limit is split over coupon_counter_slots. A redemption takes a use from
 * one slot with the same guarded UPDATE pattern (`used < capacity`, count checked), so redemptions of
 * one code spread over several rows. Each slot carries the coupon's terms version; every change to the
 * coupon's terms rewrites it (trigger, same transaction), so a redemption's slot UPDATE both waits for
 * a concurrent disable or edit and fails once it has happened. Unlimited coupons always use slots
 * without a capacity: they never queue on a single row.
 */

/** Coupons with at least this many uses count them in slots unless the admin chose otherwise. */
export const HOT_COUPON_THRESHOLD = 1_000;
/** Slots per hot coupon: enough to spread the redemptions one server's pool can have in flight. */
export const SLOT_COUNT = 16;

export type CounterChoice = "AUTO" | CounterMode;

export function counterModeFor(maxRedemptions: number | null, choice: CounterChoice): CounterMode {
  if (maxRedemptions === null) return "SLOTS";
  if (choice !== "AUTO") return choice;
  return maxRedemptions >= HOT_COUPON_THRESHOLD ? "SLOTS" : "SINGLE_ROW";
}

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

type Terms = Pick<Coupon, "id" | "termsVersion">;

const withRoom = (tx: Tx) => ({ OR: [{ capacity: null }, { used: { lt: tx.couponCounterSlot.fields.capacity } }] });

/** Slots that had room when last committed: a redemption tries these, and none means exhausted. */
export async function openSlots(tx: Tx, couponId: string): Promise<number[]> {
  const rows = await tx.couponCounterSlot.findMany({ where: { couponId, ...withRoom(tx) }, select: { slot: true } });
  return rows.map((row) => row.slot);
}

export type SlotUse = "taken" | "exhausted" | "terms_changed";

// A slot emptied under us is retried from a fresh read; others taking uses is progress, so this is a backstop.
const MAX_SLOT_ROUNDS = 20;

/**
 * Takes one use from a slot that has room, for a redemption that judged the coupon at `terms`. Each
 * attempt is one guarded UPDATE: room left and the same terms version. A slot locked by another
 * redemption is waited for (not skipped), so "exhausted" is only answered once every slot is full in
 * committed state: skipping could refuse while a slot's holder was about to roll back.
 */
export async function takeSlotUse(tx: Tx, terms: Terms, open: number[]): Promise<SlotUse> {
  let candidates = shuffle(open);
  for (let round = 0; round < MAX_SLOT_ROUNDS; round++) {
    for (const slot of candidates) {
      const taken = await tx.couponCounterSlot.updateMany({
        where: { couponId: terms.id, slot, termsVersion: terms.termsVersion, ...withRoom(tx) },
        data: { used: { increment: 1 } },
      });
      if (taken.count === 1) return "taken";
    }
    const slots = await tx.couponCounterSlot.findMany({ where: { couponId: terms.id } });
    if (slots.length === 0 || slots.some((s) => s.termsVersion !== terms.termsVersion)) return "terms_changed";
    candidates = shuffle(slots.filter((s) => s.capacity === null || s.used < s.capacity).map((s) => s.slot));
    if (candidates.length === 0) return "exhausted";
  }
  return "terms_changed";
}

/** Gives one use back to any slot holding one (a revocation); false if no slot held a use. */
export async function giveBackSlotUse(tx: Tx, couponId: string): Promise<boolean> {
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
