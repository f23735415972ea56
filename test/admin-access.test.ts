/**
 * Every admin action and route refuses anonymous callers (401) and customers (403) and changes
 * nothing, and works for an admin. The lists below are checked against the registries, so an action
 * or route added later without a case here fails this suite.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { redeemCoupon } from "@/lib/redemptions";
import { ADMIN_ACTIONS, type AdminActionName } from "@/lib/admin/actions";
import { generateBatch } from "@/lib/admin/bulk";
import { ADMIN_ROUTES, runAdminRoute } from "@/lib/web/admin-routes";
import { freshDatabase, makeCoupon, newKey, type TestDatabase } from "./helpers";
import { makeAdminAndCustomer, snapshot } from "./admin-helpers";

let test: TestDatabase;
let db: Db;
let adminId: string;
let customerId: string;
let couponId: string;
let redemptionId: string;
let batchId: string;

beforeAll(async () => {
  test = await freshDatabase(4);
  db = test.db;
  ({ adminId, customerId } = await makeAdminAndCustomer(db));
  const coupon = await makeCoupon(db, { maxRedemptions: 10, valueCents: 700 });
  couponId = coupon.id;
  const redeemed = await redeemCoupon(db, { userId: customerId, code: coupon.code, idempotencyKey: newKey() });
  if (!redeemed.ok) throw new Error("setup redemption refused");
  redemptionId = redeemed.redemption.id;
  const batch = await generateBatch(db, adminId, { prefix: "ACCESS", quantity: 3, valueCents: 100, expiresAt: null });
  if (!batch.ok) throw new Error("setup batch refused");
  batchId = batch.batch.id;
});
afterAll(() => test.drop());

const terms = { description: "", value: "5.00", maxRedemptions: "20", perUserLimit: "1", startsAt: "", expiresAt: "" };

/** A valid input for each action, so a refusal can only come from the guard. */
const validInputs: Record<AdminActionName, () => unknown> = {
  createCoupon: () => ({ ...terms, code: `ACCESS-${newKey().slice(0, 8)}` }),
  updateCoupon: () => ({ ...terms, couponId, value: "6.00" }),
  setCouponStatus: () => ({ couponId, status: "DISABLED" }),
  revokeRedemption: () => ({ redemptionId }),
  setBatchStatus: () => ({ batchId, status: "DISABLED" }),
};

const routeRequests: Record<keyof typeof ADMIN_ROUTES, () => { request: Request; params: Record<string, string> }> = {
  exportRedemptions: () => ({ request: new Request("http://once.test/api/admin/redemptions/export"), params: {} }),
  batchCodes: () => ({
    request: new Request(`http://once.test/api/admin/batches/${batchId}/codes`),
    params: { id: batchId },
  }),
  generateBatch: () => ({
    request: new Request("http://once.test/api/admin/batches", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prefix: "REPLAY", quantity: "5", value: "1.00", expiresAt: "" }),
    }),
    params: {},
  }),
};

describe("admin actions", () => {
  it("cover every registered action", () => {
    expect(Object.keys(validInputs).sort()).toEqual(Object.keys(ADMIN_ACTIONS).sort());
  });

  for (const name of Object.keys(ADMIN_ACTIONS) as AdminActionName[]) {
    it(`${name}: refuses anonymous and customer callers and changes nothing`, async () => {
      const before = await snapshot(db);
      const anonymous = await ADMIN_ACTIONS[name].run({ db, userId: null }, validInputs[name]());
      expect(anonymous).toMatchObject({ ok: false, reason: "unauthenticated" });
      const customer = await ADMIN_ACTIONS[name].run({ db, userId: customerId }, validInputs[name]());
      expect(customer).toMatchObject({ ok: false, reason: "forbidden" });
      const unknownUser = await ADMIN_ACTIONS[name].run(
        { db, userId: "00000000-0000-4000-8000-000000000000" },
        validInputs[name](),
      );
      expect(unknownUser).toMatchObject({ ok: false, reason: "unauthenticated" });
      expect(await snapshot(db)).toBe(before);
    });
  }

  it("a customer promoted to admin is recognised at once, and demoted is refused at once (role re-read per call)", async () => {
    await db.user.update({ where: { id: customerId }, data: { role: "ADMIN" } });
    const asAdmin = await ADMIN_ACTIONS.setCouponStatus.run({ db, userId: customerId }, { couponId, status: "ACTIVE" });
    expect(asAdmin.ok).toBe(true);
    await db.user.update({ where: { id: customerId }, data: { role: "CUSTOMER" } });
    const demoted = await ADMIN_ACTIONS.setCouponStatus.run(
      { db, userId: customerId },
      { couponId, status: "DISABLED" },
    );
    expect(demoted).toMatchObject({ ok: false, reason: "forbidden" });
  });

  it("each action works for an admin and leaves one audit entry naming them", async () => {
    for (const name of Object.keys(ADMIN_ACTIONS) as AdminActionName[]) {
      const entries = await db.adminAuditEntry.count({ where: { actorId: adminId } });
      const result = await ADMIN_ACTIONS[name].run({ db, userId: adminId }, validInputs[name]());
      expect(result, name).toMatchObject({ ok: true });
      expect(await db.adminAuditEntry.count({ where: { actorId: adminId } }), name).toBe(entries + 1);
    }
  });
});

describe("admin routes", () => {
  it("cover every registered route", () => {
    expect(Object.keys(routeRequests).sort()).toEqual(Object.keys(ADMIN_ROUTES).sort());
  });

  for (const name of Object.keys(ADMIN_ROUTES) as (keyof typeof ADMIN_ROUTES)[]) {
    it(`${name}: 401 for anonymous, 403 for a customer, nothing changed`, async () => {
      const before = await snapshot(db);
      const anon = routeRequests[name]();
      expect(
        (await runAdminRoute(ADMIN_ROUTES[name], anon.request, { db, userId: undefined, params: anon.params })).status,
      ).toBe(401);
      const customer = routeRequests[name]();
      const refused = await runAdminRoute(ADMIN_ROUTES[name], customer.request, {
        db,
        userId: customerId,
        params: customer.params,
      });
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ reason: "forbidden" });
      expect(await snapshot(db)).toBe(before);
    });
  }

  it("an admin generating a batch gets progress lines and the codes", async () => {
    const { request, params } = routeRequests.generateBatch();
    const response = await runAdminRoute(ADMIN_ROUTES.generateBatch, request, { db, userId: adminId, params });
    expect(response.status).toBe(200);
    const lines = (await response.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; batchId?: string });
    expect(lines.at(0)).toMatchObject({ type: "progress", inserted: 5, total: 5 });
    expect(lines.at(-1)).toMatchObject({ type: "done", generated: 5 });
    expect(await db.coupon.count({ where: { batchId: lines.at(-1)!.batchId } })).toBe(5);
  });
});

describe("the audit log is append-only", () => {
  it("refuses UPDATE, DELETE and TRUNCATE", async () => {
    await expect(db.$executeRaw`UPDATE admin_audit_log SET summary = 'rewritten'`).rejects.toThrow(/append-only/);
    await expect(db.$executeRaw`DELETE FROM admin_audit_log`).rejects.toThrow(/append-only/);
    await expect(db.$executeRaw`TRUNCATE admin_audit_log`).rejects.toThrow(/append-only/);
    expect(await db.adminAuditEntry.count()).toBeGreaterThan(0);
  });
});
