/** The audit pages' filters: partial search on code and email, totals, the From/To check, attempts CSV. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { recordAttempt } from "@/lib/attempts";
import { redeemCoupon } from "@/lib/redemptions";
import { csvStream } from "@/lib/admin/csv";
import { dateRangeProblem } from "@/lib/admin/filters";
import {
  countRedemptions,
  listNewerRedemptions,
  listRedemptions,
  redemptionFiltersSchema,
} from "@/lib/admin/redemptions";
import { attemptFiltersSchema, attemptsCsv, countAttempts, listAttempts } from "@/lib/admin/reports";
import { ADMIN_ROUTES, runAdminRoute } from "@/lib/web/admin-routes";
import { freshDatabase, makeCoupon, newKey, type TestDatabase } from "./helpers";
import { makeAdminAndCustomer } from "./admin-helpers";

let test: TestDatabase;
let db: Db;
let adminId: string;
let aliceId: string;
let bobId: string;

beforeAll(async () => {
  test = await freshDatabase(4);
  db = test.db;
  ({ adminId } = await makeAdminAndCustomer(db));
  aliceId = (await db.user.create({ data: { email: "alice.audit@shop.test", name: "Alice" } })).id;
  bobId = (await db.user.create({ data: { email: "bob.audit@other.test", name: "Bob" } })).id;
  const spring = await makeCoupon(db, { code: "AUDIT-SPRING25", perUserLimit: 5 });
  const summer = await makeCoupon(db, { code: "AUDIT-SUMMER10", perUserLimit: 5 });
  for (const [userId, code] of [
    [aliceId, spring.code],
    [aliceId, summer.code],
    [bobId, spring.code],
  ] as const) {
    expect((await redeemCoupon(db, { userId, code, idempotencyKey: newKey() })).ok).toBe(true);
  }
  for (const [userId, codeTyped] of [
    [aliceId, "GUESS-100"],
    [bobId, "GUESS-200"],
    [bobId, "other"],
  ] as const) {
    await recordAttempt(db, {
      userId,
      couponId: null,
      codeTyped,
      outcome: "REFUSED",
      reason: "unknown_code",
      replayed: false,
      idempotencyKey: null,
      redemptionId: null,
      meta: { ip: "192.0.2.1" },
    });
  }
});
afterAll(() => test.drop());

const redemptionCodes = async (raw: Record<string, string>) => {
  const filters = redemptionFiltersSchema.parse(raw);
  const page = await listRedemptions(db, filters, null);
  expect(await countRedemptions(db, filters)).toBe(page.rows.length);
  return page.rows.map((r) => `${r.code} ${r.email}`).sort();
};

describe("redemptions search", () => {
  it("matches part of a code or an email, in any case, and says how many match", async () => {
    expect(await redemptionCodes({ code: "spring" })).toEqual([
      "AUDIT-SPRING25 alice.audit@shop.test",
      "AUDIT-SPRING25 bob.audit@other.test",
    ]);
    expect(await redemptionCodes({ email: "ALICE.AUDIT" })).toEqual([
      "AUDIT-SPRING25 alice.audit@shop.test",
      "AUDIT-SUMMER10 alice.audit@shop.test",
    ]);
    expect(await redemptionCodes({ code: "audit-", email: "other.test" })).toEqual([
      "AUDIT-SPRING25 bob.audit@other.test",
    ]);
    // LIKE's wildcards are searched for literally.
    expect(await redemptionCodes({ code: "%" })).toEqual([]);
    expect(await redemptionCodes({ email: "_" })).toEqual([]);
  });

  it("filters exactly by customer or coupon id for their admin pages", async () => {
    expect(await redemptionCodes({ userId: bobId })).toEqual(["AUDIT-SPRING25 bob.audit@other.test"]);
  });
});

describe("redemptions paging", () => {
  it("goes older and back newer to the same rows, and knows when it reached the newest", async () => {
    const all = redemptionFiltersSchema.parse({ code: "AUDIT-" });
    const first = await listRedemptions(db, all, null, 1);
    const second = await listRedemptions(db, all, first.next, 1);
    const third = await listRedemptions(db, all, second.next, 1);
    expect(third.next).toBeNull();
    const cursorOf = (page: { rows: { createdAt: Date; id: string }[] }) => ({
      createdAt: page.rows[0]!.createdAt,
      id: page.rows[0]!.id,
    });
    expect(await listNewerRedemptions(db, all, cursorOf(third), 1)).toEqual({ rows: second.rows, newer: true });
    expect(await listNewerRedemptions(db, all, cursorOf(second), 1)).toEqual({ rows: first.rows, newer: false });
    expect(await listNewerRedemptions(db, all, cursorOf(third), 5)).toEqual({
      rows: [...first.rows, ...second.rows],
      newer: false,
    });
  });
});

describe("a From day after the To day", () => {
  it("is pointed out, and the CSV export refuses it before streaming", async () => {
    expect(dateRangeProblem({ from: "2026-11-28", to: "2026-11-01" })).toMatch(/after/);
    expect(dateRangeProblem({ from: "2026-11-01", to: "2026-11-01" })).toBeNull();
    expect(dateRangeProblem({ from: "2026-11-01" })).toBeNull();
    const response = await runAdminRoute(
      ADMIN_ROUTES.exportRedemptions,
      new Request("http://once.test/api/admin/redemptions/export?from=2026-11-28&to=2026-11-01"),
      { db, userId: adminId, params: {} },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ reason: "invalid_filter" });
  });
});

describe("attempts", () => {
  it("match part of the code typed or the email, with a total", async () => {
    const typed = async (raw: Record<string, string>) => {
      const filters = attemptFiltersSchema.parse(raw);
      const { rows } = await listAttempts(db, filters);
      expect(await countAttempts(db, filters)).toBe(rows.length);
      return rows.map((a) => a.codeTyped).sort();
    };
    expect(await typed({ code: "guess" })).toEqual(["GUESS-100", "GUESS-200"]);
    expect(await typed({ email: "bob.audit" })).toEqual(["GUESS-200", "other"]);
    expect(await typed({ userId: aliceId })).toEqual(["GUESS-100"]);
  });

  it("export as CSV with the page's filters", async () => {
    const filters = attemptFiltersSchema.parse({ email: "bob.audit" });
    const text = await new Response(csvStream(attemptsCsv(db, filters))).text();
    const lines = text
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(lines[0]).toBe(
      "attempted_at_utc,outcome,source,reason,reason_label,code_typed,replayed,customer_email,ip,user_agent",
    );
    expect(lines.slice(1).map((line) => line.split(",").slice(1, 9))).toEqual([
      ["REFUSED", "REDEEM", "unknown_code", "Unknown code", "other", "no", "bob.audit@other.test", "192.0.2.1"],
      ["REFUSED", "REDEEM", "unknown_code", "Unknown code", "GUESS-200", "no", "bob.audit@other.test", "192.0.2.1"],
    ]);
  });
});
