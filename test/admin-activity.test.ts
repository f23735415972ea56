/** The admin log's page: partial search on the admin's email and the summary, store days, Newer/Older paging, a total. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import {
  type AuditLogFilters,
  auditLogFiltersFromSearchParams,
  countAuditLog,
  listAuditLog,
} from "@/lib/admin/audit-log";
import { ADMIN_ROUTES, runAdminRoute } from "@/lib/web/admin-routes";
import { freshDatabase, type TestDatabase } from "./helpers";

let test: TestDatabase;
let db: Db;

beforeAll(async () => {
  test = await freshDatabase(2);
  db = test.db;
  const ana = await db.user.create({ data: { email: "ana.log@shop.test", name: "Ana", role: "ADMIN" } });
  const ben = await db.user.create({ data: { email: "ben.log@other.test", name: "Ben", role: "ADMIN" } });
  // Oldest first: ids grow in this order.
  for (const [actorId, summary, day] of [
    [ana.id, "Created SPRING-25", "2026-11-01"],
    [ben.id, "Edited SPRING-25", "2026-11-02"],
    [ana.id, "Disabled SUMMER_10", "2026-11-03"],
    [ben.id, "Created 100% OFF", "2026-11-04"],
    [ana.id, "Edited SUMMER_10", "2026-11-05"],
  ] as const) {
    await db.adminAuditEntry.create({
      data: {
        actorId,
        action: "COUPON_UPDATED",
        targetType: "coupon",
        targetId: summary,
        summary,
        createdAt: new Date(`${day}T12:00:00Z`),
      },
    });
  }
});
afterAll(() => test.drop());

const filters = (raw: Record<string, string>): AuditLogFilters => auditLogFiltersFromSearchParams(raw);
const summaries = async (raw: Record<string, string>) =>
  (await listAuditLog(db, { filters: filters(raw) })).entries.map((e) => e.summary);

describe("admin log search", () => {
  it("matches part of the summary (the code) or of the admin's email, in any case, with a total", async () => {
    expect(await summaries({ q: "spring" })).toEqual(["Edited SPRING-25", "Created SPRING-25"]);
    expect(await summaries({ q: "BEN.LOG" })).toEqual(["Created 100% OFF", "Edited SPRING-25"]);
    expect(await countAuditLog(db, filters({ q: "summer" }))).toBe(2);
    expect(await countAuditLog(db, filters({}))).toBe(5);
  });

  it("takes % and _ literally", async () => {
    expect(await summaries({ q: "0%" })).toEqual(["Created 100% OFF"]);
    expect(await summaries({ q: "R_1" })).toEqual(["Edited SUMMER_10", "Disabled SUMMER_10"]);
  });

  it("filters by days, both inclusive, and ignores a filter that is not a day", async () => {
    expect(await summaries({ from: "2026-11-02", to: "2026-11-03" })).toEqual([
      "Disabled SUMMER_10",
      "Edited SPRING-25",
    ]);
    expect(filters({ from: "2026-02-30", q: "x\u0000" })).toEqual({ q: "" });
  });

  it("reads From and To as days on the store's clocks", async () => {
    // Noon UTC is 02:00 the next day in Kiritimati (UTC+14).
    try {
      await db.storeSettings.update({ where: { id: true }, data: { timeZone: "Pacific/Kiritimati" } });
      expect(await summaries({ from: "2026-11-03", to: "2026-11-04" })).toEqual([
        "Disabled SUMMER_10",
        "Edited SPRING-25",
      ]);
      expect(await countAuditLog(db, filters({ from: "2026-11-06" }))).toBe(1);
    } finally {
      await db.storeSettings.update({ where: { id: true }, data: { timeZone: "UTC" } });
    }
  });
});

describe("admin log paging", () => {
  it("goes older and back newer to the same entries, and knows when it reached the newest", async () => {
    const all = filters({});
    const first = await listAuditLog(db, { filters: all, limit: 2 });
    expect(first.newer).toBe(false);
    const second = await listAuditLog(db, { filters: all, limit: 2, beforeId: first.nextBeforeId! });
    const third = await listAuditLog(db, { filters: all, limit: 2, beforeId: second.nextBeforeId! });
    expect([...first.entries, ...second.entries, ...third.entries].map((e) => e.summary)).toEqual([
      "Edited SUMMER_10",
      "Created 100% OFF",
      "Disabled SUMMER_10",
      "Edited SPRING-25",
      "Created SPRING-25",
    ]);
    expect(third).toMatchObject({ newer: true, nextBeforeId: null });

    const back = await listAuditLog(db, { filters: all, limit: 2, newerThanId: third.entries[0]!.id });
    expect(back).toEqual({ ...second, newer: true });
    const top = await listAuditLog(db, { filters: all, limit: 2, newerThanId: back.entries[0]!.id });
    expect(top).toEqual({ ...first, newer: false });
  });

  it("treats an id that is not one as the newest page", async () => {
    const page = await listAuditLog(db, { beforeId: "-1", newerThanId: "abc", limit: 1 });
    expect(page.entries.map((e) => e.summary)).toEqual(["Edited SUMMER_10"]);
    expect(page.newer).toBe(false);
  });
});

describe("admin log export", () => {
  it("streams the page's filters as CSV with the changes as readable lines, and refuses a wrong filter", async () => {
    const admin = await db.user.findFirstOrThrow({ where: { email: "ana.log@shop.test" } });
    const entry = await db.adminAuditEntry.create({
      data: {
        actorId: admin.id,
        action: "COUPON_UPDATED",
        targetType: "coupon",
        targetId: "x",
        summary: "Edited EXPORT-ME",
        before: { maxRedemptions: 100 },
        after: { maxRedemptions: 200 },
      },
    });
    const call = (query: string) =>
      runAdminRoute(ADMIN_ROUTES.exportActivity, new Request(`http://once.test/api/admin/activity/export?${query}`), {
        db,
        params: {},
        userId: admin.id,
      });
    const response = await call("q=export-me");
    expect(response.status).toBe(200);
    const lines = (await response.text())
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(lines).toEqual([
      // The stored code for spreadsheets that filter on it, and the label admins read on the page.
      "at_utc,entry_id,admin_email,action,action_label,target_type,target_id,summary,changes",
      `${entry.createdAt.toISOString()},${entry.id},ana.log@shop.test,COUPON_UPDATED,Coupon edited,coupon,x,Edited EXPORT-ME,Limit: 100 → 200`,
    ]);
    expect((await call("from=2026-02-30")).status).toBe(400);
    expect((await call("from=2026-11-05&to=2026-11-01")).status).toBe(400);
  });
});
