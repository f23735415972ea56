/** The coupon list's one state per coupon, filters, sorts and batch rows, bulk changes, and the edit's clear refusals, against a real database. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { redeemCoupon } from "@/lib/redemptions";
import { adminCreateCoupon } from "@/lib/admin/coupons/create";
import { adminUpdateCoupon } from "@/lib/admin/coupons/edit";
import {
  batchOverview,
  couponListQuery,
  couponListQuerySchema,
  couponsCsv,
  listCoupons,
} from "@/lib/admin/coupons/list";
import { csvStream } from "@/lib/admin/csv";
import { adminChangeCoupons } from "@/lib/admin/coupons/status";
import { couponChangeMessage } from "@/lib/admin/messages";
import { generateBatch } from "@/lib/admin/bulk";
import { couponState } from "@/lib/coupon-terms";
import { adminRevoke } from "@/lib/admin/redemptions";
import { freshDatabase, makeCoupon, makeUsers, newKey, type TestDatabase } from "./helpers";
import { makeAdminAndCustomer } from "./admin-helpers";

let test: TestDatabase;
let db: Db;
let adminId: string;
const DAY = 86_400_000;
const now = new Date();

beforeAll(async () => {
  test = await freshDatabase(4);
  db = test.db;
  ({ adminId } = await makeAdminAndCustomer(db));
  await makeCoupon(db, { code: "LIST-ACTIVE", valueCents: 300 });
  await makeCoupon(db, {
    code: "LIST-EXPIRED",
    valueCents: 100,
    startsAt: new Date(now.getTime() - 2 * DAY),
    expiresAt: new Date(now.getTime() - DAY),
  });
  await makeCoupon(db, { code: "LIST-UPCOMING", valueCents: 200, startsAt: new Date(now.getTime() + DAY) });
  await makeCoupon(db, { code: "LIST-DISABLED", valueCents: 400, status: "DISABLED" });
  const used = await makeCoupon(db, { code: "LIST-USED", valueCents: 500, maxRedemptions: 1 });
  const [user] = await makeUsers(db, 1);
  expect((await redeemCoupon(db, { userId: user!, code: used.code, idempotencyKey: newKey() })).ok).toBe(true);
});
afterAll(() => test.drop());

const labels = async (raw: Record<string, string>) =>
  (await listCoupons(db, couponListQuerySchema.parse({ q: "LIST-", ...raw }), now)).rows.map((row) =>
    row.kind === "coupon" ? row.coupon.code : `batch ${row.prefix}`,
  );

describe("listCoupons", () => {
  it("gives each coupon one state, by precedence, filterable", async () => {
    const page = await listCoupons(db, couponListQuerySchema.parse({ q: "LIST-", sort: "code", dir: "asc" }), now);
    expect(page.rows.map((row) => row.kind === "coupon" && [row.coupon.code, row.state])).toEqual([
      ["LIST-ACTIVE", "ACTIVE"],
      ["LIST-DISABLED", "DISABLED"],
      ["LIST-EXPIRED", "EXPIRED"],
      ["LIST-UPCOMING", "SCHEDULED"],
      ["LIST-USED", "USED_UP"],
    ]);
    expect(await labels({ status: "disabled" })).toEqual(["LIST-DISABLED"]);
    expect(await labels({ status: "expired" })).toEqual(["LIST-EXPIRED"]);
    expect(await labels({ status: "scheduled" })).toEqual(["LIST-UPCOMING"]);
    expect(await labels({ status: "used_up" })).toEqual(["LIST-USED"]);
    expect(await labels({ status: "active" })).toEqual(["LIST-ACTIVE"]);
  });

  it("the list's SQL and couponState() agree on every coupon's state", async () => {
    const page = await listCoupons(db, couponListQuerySchema.parse({ q: "LIST-" }), now);
    for (const row of page.rows) {
      if (row.kind === "coupon") expect(row.state).toBe(couponState(row.coupon, row.redeemed, now));
    }
  });

  it("sorts by every column, both ways", async () => {
    expect(await labels({ sort: "value", dir: "asc" })).toEqual([
      "LIST-EXPIRED",
      "LIST-UPCOMING",
      "LIST-ACTIVE",
      "LIST-DISABLED",
      "LIST-USED",
    ]);
    expect(await labels({ sort: "code", dir: "desc" })).toEqual([
      "LIST-USED",
      "LIST-UPCOMING",
      "LIST-EXPIRED",
      "LIST-DISABLED",
      "LIST-ACTIVE",
    ]);
    expect((await labels({ sort: "redeemed", dir: "desc" }))[0]).toBe("LIST-USED");
    expect((await labels({ sort: "expires", dir: "asc" }))[0]).toBe("LIST-EXPIRED");
    expect(await labels({ sort: "status", dir: "asc" })).toEqual([
      "LIST-ACTIVE",
      "LIST-UPCOMING",
      "LIST-USED",
      "LIST-EXPIRED",
      "LIST-DISABLED",
    ]);
    expect(await labels({ sort: "created", dir: "desc" })).toHaveLength(5);
  });

  it("ignores nonsense in the query string instead of failing (the page; the export refuses it)", async () => {
    const nonsense = { sort: "drop table", page: "-3", status: "x" };
    expect(couponListQuerySchema.safeParse(nonsense).success).toBe(false);
    expect(couponListQuery(nonsense)).toMatchObject({
      sort: "created",
      page: 1,
      status: "all",
    });
  });

  it("shows a batch as one row, its codes when filtered to it, and hides archived coupons unless asked", async () => {
    const generated = await generateBatch(db, adminId, {
      prefix: "LIST-B",
      quantity: 3,
      valueCents: 100,
      expiresAt: null,
    });
    if (!generated.ok) throw new Error("batch not generated");
    const batchId = generated.batch.id;
    const all = await listCoupons(db, couponListQuerySchema.parse({ q: "LIST-B" }), now);
    expect(all.total).toBe(1);
    expect(all.rows[0]).toMatchObject({
      kind: "batch",
      prefix: "LIST-B",
      matching: 3,
      quantity: 3,
      states: { ACTIVE: 3 },
    });

    const inside = await listCoupons(db, couponListQuerySchema.parse({ batch: batchId }), now);
    expect(inside.rows.map((row) => row.kind)).toEqual(["coupon", "coupon", "coupon"]);
    expect(await batchOverview(db, batchId, now)).toMatchObject({
      prefix: "LIST-B",
      quantity: 3,
      states: { ACTIVE: 3 },
    });

    const [first] = inside.rows;
    if (first?.kind !== "coupon") throw new Error("expected a coupon row");
    expect(await adminChangeCoupons(db, adminId, [first.coupon.id], "archive")).toMatchObject({ ok: true });
    const after = await listCoupons(db, couponListQuerySchema.parse({ batch: batchId }), now);
    expect(after.total).toBe(2);
    const archived = await listCoupons(db, couponListQuerySchema.parse({ batch: batchId, status: "archived" }), now);
    expect(archived.rows.map((row) => row.kind === "coupon" && row.coupon.code)).toEqual([first.coupon.code]);
  });
});

describe("couponsCsv", () => {
  /** The export's lines as records keyed by its header, one per code. */
  async function exported(raw: Record<string, string>) {
    const text = await new Response(csvStream(couponsCsv(db, couponListQuerySchema.parse(raw), now))).text();
    const [header, ...lines] = text
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    const names = header!.split(",");
    // Test data has no quoted cells except where a test says so.
    const records = lines.map((line) => Object.fromEntries(line.split(",").map((cell, i) => [names[i], cell])));
    return { names, byCode: new Map(records.map((r) => [r.code!, r])), records };
  }

  it("exports every code the filters match, batch codes one per line, with its one state", async () => {
    const { names, byCode, records } = await exported({ q: "LIST-" });
    expect(names).toEqual([
      "code",
      "status",
      "kind",
      "value",
      "percent_off",
      "max_discount",
      "min_subtotal",
      "product_skus",
      "first_order_only",
      "max_redemptions",
      "per_customer",
      "starts_at_utc",
      "expires_at_utc",
      "no_redeem_after_revoke",
      "counter_mode",
      "description",
      "offer",
      "conditions",
      "redeemed",
      "created_at_utc",
      "batch",
    ]);
    expect(byCode.get("LIST-USED")).toMatchObject({
      status: "USED_UP",
      kind: "CREDIT",
      value: "5.00",
      percent_off: "",
      redeemed: "1",
      max_redemptions: "1",
      per_customer: "1",
      counter_mode: "SINGLE_ROW",
      offer: "$5.00 credit",
      conditions: "",
    });
    expect(byCode.get("LIST-EXPIRED")?.status).toBe("EXPIRED");
    const batchLines = records.filter((r) => r.code!.startsWith("LIST-B-"));
    // The batch test above archived one of its three codes; "all" leaves archived coupons out, as the page does.
    expect(batchLines).toHaveLength(2);
    for (const line of batchLines) expect(line.batch).toBe("LIST-B");
  });

  it("carries every term of a discount: kind, percent (no 0.00 value), cap, minimum, products by sku, first order only", async () => {
    const products = await Promise.all(
      ["CSV-MUG", "CSV-CUP"].map((sku) => db.product.create({ data: { sku, name: sku, priceCents: 900 } })),
    );
    await makeCoupon(db, {
      code: "CSV-TERMS-PCT",
      kind: "PERCENT_OFF",
      valueCents: 0,
      percentOff: 20,
      maxDiscountCents: 1_500,
      minSubtotalCents: 2_000,
      productIds: products.map((p) => p.id),
      firstOrderOnly: true,
      maxRedemptions: 5_000,
      perUserLimit: 2,
      noRedeemAfterRevoke: true,
      expiresAt: new Date(now.getTime() + DAY),
    });
    await makeCoupon(db, { code: "CSV-TERMS-AMT", kind: "AMOUNT_OFF", valueCents: 500, maxRedemptions: 10 });
    const { byCode } = await exported({ q: "CSV-TERMS" });
    expect(byCode.get("CSV-TERMS-PCT")).toMatchObject({
      status: "ACTIVE",
      kind: "PERCENT_OFF",
      value: "",
      percent_off: "20",
      max_discount: "15.00",
      min_subtotal: "20.00",
      product_skus: "CSV-CUP CSV-MUG",
      first_order_only: "true",
      max_redemptions: "5000",
      per_customer: "2",
      starts_at_utc: "",
      no_redeem_after_revoke: "true",
      counter_mode: "SLOTS",
      offer: "20% off (at most $15.00)",
      redeemed: "0",
    });
    expect(byCode.get("CSV-TERMS-PCT")?.conditions).toContain("First order only");
    expect(new Date(byCode.get("CSV-TERMS-PCT")!.expires_at_utc!).getTime()).toBe(now.getTime() + DAY);
    expect(byCode.get("CSV-TERMS-AMT")).toMatchObject({
      kind: "AMOUNT_OFF",
      value: "5.00",
      percent_off: "",
      max_discount: "",
      min_subtotal: "",
      product_skus: "",
      first_order_only: "false",
      offer: "$5.00 off",
    });
  });
});

describe("adminChangeCoupons", () => {
  it("changes many coupons with one guarded write, audits each, and reports what it skipped", async () => {
    const a = await makeCoupon(db);
    const b = await makeCoupon(db);
    const c = await makeCoupon(db, { status: "DISABLED" });
    const missing = "00000000-0000-4000-8000-000000000000";
    const disabled = await adminChangeCoupons(db, adminId, [a.id, b.id, c.id, missing], "disable");
    expect(disabled).toMatchObject({ ok: true, missing: 1 });
    if (!disabled.ok) throw new Error("unreachable");
    expect(disabled.changed.map((x) => x.id).sort()).toEqual([a.id, b.id].sort());
    expect(disabled.skipped).toEqual([{ id: c.id, code: c.code, why: "unchanged" }]);
    expect(couponChangeMessage("disable", disabled).message).toBe(
      "Disabled 2 coupons. 1 was already disabled. 1 no longer exists.",
    );
    const audited = await db.adminAuditEntry.findMany({
      where: { targetId: { in: [a.id, b.id, c.id] }, action: "COUPON_DISABLED" },
    });
    expect(audited.map((e) => e.targetId).sort()).toEqual([a.id, b.id].sort());

    expect(await adminChangeCoupons(db, adminId, [a.id], "archive")).toMatchObject({ ok: true });
    const enabled = await adminChangeCoupons(db, adminId, [a.id, b.id], "enable");
    expect(enabled).toMatchObject({ ok: true, skipped: [{ id: a.id, why: "archived" }] });
    if (!enabled.ok) throw new Error("unreachable");
    expect(couponChangeMessage("enable", enabled).message).toBe(
      "Enabled 1 coupon. 1 archived: restore it before enabling.",
    );
    const archivedRow = await db.coupon.findUniqueOrThrow({ where: { id: a.id } });
    expect(archivedRow).toMatchObject({ status: "DISABLED" });
    expect(archivedRow.archivedAt).not.toBeNull();

    expect(await adminChangeCoupons(db, adminId, [a.id], "restore")).toMatchObject({ ok: true });
    expect(await db.coupon.findUniqueOrThrow({ where: { id: a.id } })).toMatchObject({
      status: "DISABLED",
      archivedAt: null,
    });
  });

  it("the database refuses an archived coupon that is not disabled", async () => {
    const coupon = await makeCoupon(db);
    await expect(db.coupon.update({ where: { id: coupon.id }, data: { archivedAt: new Date() } })).rejects.toThrow(
      /coupons_archived_is_disabled/,
    );
  });

  it("an archived coupon cannot be redeemed", async () => {
    const coupon = await makeCoupon(db);
    expect(await adminChangeCoupons(db, adminId, [coupon.id], "archive")).toMatchObject({ ok: true });
    const [user] = await makeUsers(db, 1, "archived");
    expect(await redeemCoupon(db, { userId: user!, code: coupon.code, idempotencyKey: newKey() })).toMatchObject({
      ok: false,
      reason: "disabled",
    });
  });
});

describe("create and edit", () => {
  it("a duplicate code (any case) is a typed refusal, not an error", async () => {
    expect(await adminCreateCoupon(db, adminId, { code: "list-active", valueCents: 100 })).toEqual({
      ok: false,
      reason: "duplicate_code",
      code: "LIST-ACTIVE",
    });
  });

  it("a generated code is used when none is typed", async () => {
    const created = await adminCreateCoupon(db, adminId, { code: null, valueCents: 100 });
    expect(created.ok && created.coupon.code).toMatch(/^PROMO-[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){3}$/);
  });

  it("max below the redeemed count is refused with the count and changes nothing; an unchanged save is not logged", async () => {
    const coupon = await makeCoupon(db, { maxRedemptions: 5 });
    for (const userId of await makeUsers(db, 3)) {
      expect((await redeemCoupon(db, { userId, code: coupon.code, idempotencyKey: newKey() })).ok).toBe(true);
    }
    const audit = () => db.adminAuditEntry.count({ where: { targetId: coupon.id } });
    expect(await adminUpdateCoupon(db, adminId, coupon.id, { ...coupon, maxRedemptions: 2 })).toEqual({
      ok: false,
      reason: "below_redeemed",
      redeemedCount: 3,
    });
    expect((await db.coupon.findUniqueOrThrow({ where: { id: coupon.id } })).maxRedemptions).toBe(5);
    expect(await audit()).toBe(0);

    expect(await adminUpdateCoupon(db, adminId, coupon.id, { ...coupon, maxRedemptions: 3 })).toMatchObject({
      ok: true,
      changed: true,
    });
    expect(await adminUpdateCoupon(db, adminId, coupon.id, { ...coupon, maxRedemptions: 3 })).toMatchObject({
      ok: true,
      changed: false,
    });
    expect(await audit()).toBe(1);
    const [entry] = await db.adminAuditEntry.findMany({ where: { targetId: coupon.id } });
    expect(entry).toMatchObject({
      action: "COUPON_UPDATED",
      actorId: adminId,
      before: { maxRedemptions: 5 },
      after: { maxRedemptions: 3 },
    });

    expect(
      await adminUpdateCoupon(db, adminId, coupon.id, {
        ...coupon,
        startsAt: now,
        expiresAt: new Date(now.getTime() - DAY),
      }),
    ).toMatchObject({
      ok: false,
      reason: "invalid",
    });
    expect(await adminUpdateCoupon(db, adminId, "00000000-0000-4000-8000-000000000000", coupon)).toEqual({
      ok: false,
      reason: "not_found",
    });
  });

  it("a tenfold change of value is made only when the admin confirmed it, judged against the saved value", async () => {
    const coupon = await makeCoupon(db, { valueCents: 1_000 });
    const value = async () => (await db.coupon.findUniqueOrThrow({ where: { id: coupon.id } })).valueCents;
    expect(await adminUpdateCoupon(db, adminId, coupon.id, { ...coupon, valueCents: 105_000 })).toEqual({
      ok: false,
      reason: "large_value_change",
      beforeCents: 1_000,
      afterCents: 105_000,
    });
    expect(await value()).toBe(1_000);
    expect(await adminUpdateCoupon(db, adminId, coupon.id, { ...coupon, valueCents: 1_050 })).toMatchObject({
      ok: true,
    });
    expect(
      await adminUpdateCoupon(
        db,
        adminId,
        coupon.id,
        { ...coupon, valueCents: 105_000 },
        { confirmedValueChange: true },
      ),
    ).toMatchObject({ ok: true, changed: true });
    expect(await value()).toBe(105_000);
  });

  it("a revocation's audit entry names its amount in dollars", async () => {
    const coupon = await makeCoupon(db, { valueCents: 123_456 });
    const [userId] = await makeUsers(db, 1);
    const redeemed = await redeemCoupon(db, { userId: userId!, code: coupon.code, idempotencyKey: newKey() });
    if (!redeemed.ok) throw new Error("the redemption was refused");
    expect((await adminRevoke(db, adminId, redeemed.redemption.id)).ok).toBe(true);
    const entry = await db.adminAuditEntry.findFirstOrThrow({ where: { targetId: redeemed.redemption.id } });
    expect(entry.summary).toBe(`Revoked a redemption of ${coupon.code} worth $1,234.56`);
  });
});
