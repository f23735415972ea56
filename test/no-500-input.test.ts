/**
 * Issue 13's list of inputs that made the app answer 500, each run against a real PostgreSQL through
 * the code the page, action or route calls: every one is now refused (or, on a page's filter, ignored)
 * before PostgreSQL sees it. The HTTP side (TRACE, the next-auth callback, actions posted with no
 * arguments, the same URLs over HTTP) is e2e/no-500.spec.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { createAccount } from "@/lib/accounts";
import { listAuditLog } from "@/lib/admin/audit-log";
import { couponFormSchema } from "@/lib/admin/coupon-form";
import { adminCreateCoupon } from "@/lib/admin/coupons/create";
import { couponListQuery, listCoupons } from "@/lib/admin/coupons/list";
import { decodeCursor } from "@/lib/admin/keyset";
import { filtersFromSearchParams, listRedemptions } from "@/lib/admin/redemptions";
import { attemptFilters, listAttempts } from "@/lib/admin/reports";
import { ADMIN_ROUTES, runAdminRoute } from "@/lib/web/admin-routes";
import { freshDatabase, makeCoupon, newKey, type TestDatabase } from "./helpers";
import { makeAdminAndCustomer, snapshot } from "./admin-helpers";

let test: TestDatabase;
let db: Db;
let adminId: string;

beforeAll(async () => {
  test = await freshDatabase(4);
  db = test.db;
  ({ adminId } = await makeAdminAndCustomer(db));
  await makeCoupon(db, { description: "findable" });
});
afterAll(() => test.drop());

const NUL = "a\u0000b";
const BIGINT_OVERFLOW = "9223372036854775808";
const YEAR_ZERO_DAY = "0000-01-01";
const form = {
  code: "",
  description: "",
  value: "5.00",
  maxRedemptions: "",
  perUserLimit: "1",
  startsAt: "",
  expiresAt: "",
  counter: "",
};

describe("anonymous input", () => {
  it("a sign-up name containing NUL is refused with a message on the name, and no account is made", async () => {
    const before = await snapshot(db);
    const result = await createAccount(db, {
      name: NUL,
      email: `nul-${newKey()}@test.once`,
      password: "long-password",
    });
    expect(result).toMatchObject({ ok: false, reason: "invalid", fieldErrors: { name: expect.stringMatching(/NUL/) } });
    expect(await snapshot(db)).toBe(before);
  });
});

describe("admin: the coupon form", () => {
  it("a description containing NUL is a field error, not a database error", async () => {
    const parsed = couponFormSchema.safeParse({ ...form, description: NUL });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(["description"]);
    // The domain refuses it too, for callers that skip the form.
    const created = await adminCreateCoupon(db, adminId, {
      code: null,
      description: NUL,
      valueCents: 100,
    });
    expect(created).toMatchObject({ ok: false, reason: "invalid", issues: [{ path: "description" }] });
  });

  it.each(["0000-01-01T10:00", "2026-02-30T10:00", "2026-03-01T24:00", "10000-01-01T00:00"])(
    "a date that does not exist (%s) is a field error",
    (when) => {
      for (const field of ["startsAt", "expiresAt"] as const) {
        const parsed = couponFormSchema.safeParse({ ...form, [field]: when });
        expect(parsed.success, `${field}=${when}`).toBe(false);
        expect(parsed.error?.issues[0]?.path).toEqual([field]);
      }
    },
  );

  it("the domain refuses a year-0 date given as a Date, before PostgreSQL does", async () => {
    const created = await adminCreateCoupon(db, adminId, {
      code: null,
      valueCents: 100,
      expiresAt: new Date("0000-06-01T00:00:00Z"),
    });
    expect(created).toMatchObject({ ok: false, reason: "invalid", issues: [{ path: "expiresAt" }] });
  });
});

describe("admin: filters and cursors are ignored when they cannot be valid", () => {
  it("coupons: q containing NUL", async () => {
    const query = couponListQuery({ q: NUL });
    expect(query.q).toBe("");
    await expect(listCoupons(db, query)).resolves.toMatchObject({ page: 1 });
  });

  it.each([{ ip: NUL }, { email: NUL }, { before: BIGINT_OVERFLOW }, { before: "99999999999999999999" }])(
    "attempts: %o",
    async (raw) => {
      const filters = attemptFilters(raw);
      await expect(listAttempts(db, filters)).resolves.toMatchObject({ rows: [] });
    },
  );

  it("activity: before beyond BIGINT", async () => {
    await expect(listAuditLog(db, { beforeId: BIGINT_OVERFLOW })).resolves.toMatchObject({ nextBeforeId: null });
  });

  it.each([{ code: NUL }, { email: NUL }, { from: YEAR_ZERO_DAY }, { to: YEAR_ZERO_DAY }, { from: "2026-02-30" }])(
    "redemptions: %o",
    async (raw) => {
      const filters = filtersFromSearchParams(raw);
      expect(filters).toMatchObject({ code: "", email: "", status: "" });
      expect(filters.from ?? filters.to).toBeUndefined();
      await expect(listRedemptions(db, filters, null)).resolves.toMatchObject({ next: null });
    },
  );

  it("redemptions: a tampered cursor in year 0 (or any unstorable instant) is ignored", async () => {
    const id = newKey();
    for (const at of ["0000-01-01T00:00:00.000Z", "-000001-01-01T00:00:00.000Z", "+275760-09-13T00:00:00.000Z"]) {
      expect(decodeCursor(Buffer.from(`${at}|${id}`).toString("base64url")), at).toBeNull();
    }
    const fine = decodeCursor(Buffer.from(`2026-01-01T00:00:00.000Z|${id}`).toString("base64url"));
    expect(fine).toEqual({ createdAt: new Date("2026-01-01T00:00:00.000Z"), id });
  });
});

describe("admin: the CSV export validates its filters before streaming", () => {
  const exportWith = (query: string) =>
    runAdminRoute(ADMIN_ROUTES.exportRedemptions, new Request(`http://once.test/export?${query}`), {
      db,
      userId: adminId,
      params: {},
    });

  it.each([
    `code=${encodeURIComponent(NUL)}`,
    `email=${encodeURIComponent(NUL)}`,
    `from=${YEAR_ZERO_DAY}`,
    `to=${YEAR_ZERO_DAY}`,
    "from=2026-02-30",
    "status=GONE",
  ])("%s answers 400 with the filter's name", async (query) => {
    const response = await exportWith(query);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { reason: string; message: string };
    expect(body.reason).toBe("invalid_filter");
    expect(body.message).toMatch(new RegExp(query.split("=")[0]!));
  });

  it("valid filters still stream the CSV", async () => {
    const response = await exportWith("status=ACTIVE&from=2026-01-01&to=2026-12-31");
    expect(response.status).toBe(200);
    expect((await response.text()).split("\r\n")[0]).toMatch(/^redeemed_at_utc,/);
  });
});
