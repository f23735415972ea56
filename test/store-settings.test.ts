/** The store's time zone: validated, audited with its before, and unchanged saves leave no entry. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { getStoreTimeZone, setStoreTimeZone } from "@/lib/store-settings";
import { freshDatabase, type TestDatabase } from "./helpers";

let test: TestDatabase;
let db: Db;
let adminId: string;

beforeAll(async () => {
  test = await freshDatabase(2);
  db = test.db;
  adminId = (await db.user.create({ data: { email: "zone.admin@shop.test", name: "Zoe", role: "ADMIN" } })).id;
});
afterAll(() => test.drop());

const entries = () => db.adminAuditEntry.findMany({ where: { action: "SETTINGS_CHANGED" }, orderBy: { id: "asc" } });

describe("store time zone", () => {
  it("starts at UTC, changes with an audit entry, and saves nothing when unchanged or unknown", async () => {
    expect(await getStoreTimeZone(db)).toBe("UTC");
    expect(await setStoreTimeZone(db, adminId, "Europe/Berlin")).toEqual({
      ok: true,
      timeZone: "Europe/Berlin",
      changed: true,
    });
    expect(await setStoreTimeZone(db, adminId, "Europe/Berlin")).toMatchObject({ ok: true, changed: false });
    expect(await setStoreTimeZone(db, adminId, "Mars/Olympus_Mons")).toEqual({ ok: false, reason: "unknown_zone" });
    expect(await getStoreTimeZone(db)).toBe("Europe/Berlin");
    expect((await entries()).map((e) => [e.before, e.after])).toEqual([
      [{ timeZone: "UTC" }, { timeZone: "Europe/Berlin" }],
    ]);
  });

  it("audits two admins saving at once in the order they committed", async () => {
    const saves = await Promise.all(
      ["Asia/Tokyo", "America/New_York"].map((zone) => setStoreTimeZone(db, adminId, zone)),
    );
    expect(saves.every((save) => save.ok)).toBe(true);
    const [, first, second] = await entries();
    // Each entry's before is the zone the previous one set: no save read a value another had replaced.
    expect(second!.before).toEqual(first!.after);
    expect(first!.before).toEqual({ timeZone: "Europe/Berlin" });
    expect(await getStoreTimeZone(db)).toEqual((second!.after as { timeZone: string }).timeZone);
  });

  it("falls back to UTC for a stored name this runtime does not know", async () => {
    await db.storeSettings.update({ where: { id: true }, data: { timeZone: "Atlantis/Lost" } });
    expect(await getStoreTimeZone(db)).toBe("UTC");
  });
});
