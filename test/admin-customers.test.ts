/** Manual credit adjustments: guarded, exactly once per key, audited; and a race of debits on one customer. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { findViolations } from "@/lib/invariants";
import { adjustCredit } from "@/lib/admin/customers/adjust";
import { getCustomerDetail } from "@/lib/admin/customers/detail";
import { freshDatabase, fulfilled, makeUsers, newKey, race, type TestDatabase } from "./helpers";
import { makeAdminAndCustomer } from "./admin-helpers";

let test: TestDatabase;
let db: Db;
let adminId: string;

beforeAll(async () => {
  test = await freshDatabase();
  db = test.db;
  ({ adminId } = await makeAdminAndCustomer(db));
});
afterAll(() => test.drop());

const balanceOf = async (userId: string) =>
  (await db.user.findUniqueOrThrow({ where: { id: userId }, select: { balanceCents: true } })).balanceCents;

describe("adjustCredit", () => {
  it("credits and debits with a ledger entry, an adjustment row and an audit entry, once per key", async () => {
    const [customerId] = await makeUsers(db, 1, "adjust");
    const key = newKey();
    const input = {
      customerId: customerId!,
      amountCents: 1_250,
      reason: "Goodwill for a late order",
      idempotencyKey: key,
    };
    const first = await adjustCredit(db, adminId, input);
    expect(first).toMatchObject({ ok: true, balanceCents: 1_250, replayed: false });
    expect(await adjustCredit(db, adminId, input)).toMatchObject({ ok: true, balanceCents: 1_250, replayed: true });
    expect(await adjustCredit(db, adminId, { ...input, amountCents: 99 })).toEqual({ ok: false, reason: "key_reused" });

    expect(
      await adjustCredit(db, adminId, { ...input, amountCents: -250, reason: "Correction", idempotencyKey: newKey() }),
    ).toMatchObject({ ok: true, balanceCents: 1_000 });
    expect(await balanceOf(customerId!)).toBe(1_000);
    const entries = await db.ledgerEntry.findMany({ where: { userId: customerId }, orderBy: { id: "asc" } });
    expect(entries.map((e) => [e.kind, e.amountCents, e.balanceAfterCents])).toEqual([
      ["ADJUSTMENT", 1_250, 1_250],
      ["ADJUSTMENT", -250, 1_000],
    ]);
    expect(entries.every((e) => e.adjustmentId)).toBe(true);
    const audit = await db.adminAuditEntry.findMany({ where: { targetId: customerId, action: "CREDIT_ADJUSTED" } });
    expect(audit.map((a) => a.summary).sort()).toEqual([
      expect.stringContaining("Credited $12.50 to"),
      expect.stringContaining("Debited $2.50 from"),
    ]);

    const detail = await getCustomerDetail(db, customerId!);
    expect(detail?.wallet.balanceCents).toBe(1_000);
    expect(detail?.wallet.entries[0]).toMatchObject({ kind: "ADJUSTMENT", subject: "Correction" });
    expect(detail?.adjustments).toHaveLength(2);
    expect(await getCustomerDetail(db, "not-an-id")).toBeNull();
  });

  it("refuses a debit below zero and a credit past the bound, changes nothing, and replays the refusal", async () => {
    const [customerId] = await makeUsers(db, 1, "adjust-refused");
    const key = newKey();
    const debit = { customerId: customerId!, amountCents: -1, reason: "Too much", idempotencyKey: key };
    expect(await adjustCredit(db, adminId, debit)).toEqual({ ok: false, reason: "insufficient_credit" });
    expect(await adjustCredit(db, adminId, debit)).toEqual({ ok: false, reason: "insufficient_credit" });
    expect(await adjustCredit(db, adminId, { ...debit, amountCents: 1_000_000_001, idempotencyKey: newKey() })).toEqual(
      { ok: false, reason: "balance_limit" },
    );
    expect(await balanceOf(customerId!)).toBe(0);
    expect(await db.creditAdjustment.count({ where: { userId: customerId } })).toBe(0);
    expect(await db.adminAuditEntry.count({ where: { targetId: customerId } })).toBe(0);
  });

  it("refuses an unknown customer and an admin as the customer", async () => {
    const base = { amountCents: 100, reason: "Goodwill", idempotencyKey: newKey() };
    expect(await adjustCredit(db, adminId, { ...base, customerId: "00000000-0000-4000-8000-000000000000" })).toEqual({
      ok: false,
      reason: "unknown_customer",
    });
    expect(await adjustCredit(db, adminId, { ...base, customerId: adminId, idempotencyKey: newKey() })).toEqual({
      ok: false,
      reason: "unknown_customer",
    });
  });
});

describe("concurrent adjustments", () => {
  it("debits racing on one customer never take the balance below zero, and each key applies once", async () => {
    const [customerId] = await makeUsers(db, 1, "adjust-race");
    const step = 100;
    const affordable = 10;
    expect(
      await adjustCredit(db, adminId, {
        customerId: customerId!,
        amountCents: affordable * step,
        reason: "Opening balance",
        idempotencyKey: newKey(),
      }),
    ).toMatchObject({ ok: true });
    // 60 debits with 30 keys: every key is sent twice at once, and only 10 debits are affordable.
    const keys = Array.from({ length: 30 }, newKey);
    const results = fulfilled(
      await race(60, (i) =>
        adjustCredit(db, adminId, {
          customerId: customerId!,
          amountCents: -step,
          reason: "Race debit",
          idempotencyKey: keys[i % keys.length]!,
        }),
      ),
    );
    expect(results.filter((r) => !r.ok && r.reason === "busy")).toEqual([]);
    const applied = await db.creditAdjustment.count({ where: { userId: customerId, amountCents: -step } });
    expect(applied).toBe(affordable);
    expect(await balanceOf(customerId!)).toBe(0);
    // Both sends of a key got the same answer: applied (one did it, one replayed) or refused, never one of each.
    for (let k = 0; k < keys.length; k++) {
      const pair = [results[k]!, results[k + keys.length]!];
      expect(pair[0]!.ok, `key ${k}`).toBe(pair[1]!.ok);
      if (pair[0]!.ok && pair[1]!.ok) expect([pair[0]!.replayed, pair[1]!.replayed].sort()).toEqual([false, true]);
    }
    expect(results.filter((r) => r.ok && !r.replayed)).toHaveLength(affordable);
    expect(await findViolations(db)).toEqual([]);
  });
});
