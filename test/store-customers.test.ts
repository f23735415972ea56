/**
 * A store's customers (lib/store-customers.ts): a store id maps to one Once customer however many first
 * uses arrive at once, an email of another account is refused, and signing up with a store customer's
 * email claims that account (lib/accounts.ts) exactly once.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createAccount, verifyCredentials } from "@/lib/accounts";
import type { Db } from "@/lib/db/client";
import { findOrCreateStoreCustomer, findStoreCustomer, type StoreCustomer } from "@/lib/store-customers";
import { meetingPoint, race, scenarioDatabase } from "./helpers";

const customer = (): StoreCustomer => {
  const tag = randomUUID().slice(0, 8);
  return { id: `cus_${tag}`, email: `shopper-${tag}@store.example` };
};

/** The naive mapping the UNIQUE constraint and the single statement replace: look, then create. */
async function naiveFindOrCreate(db: Db, c: StoreCustomer, meet: () => Promise<void>) {
  const found = await db.user.findFirst({ where: { email: c.email }, select: { id: true } });
  await meet();
  return found ?? (await db.user.create({ data: { email: c.email, name: c.email, storeCustomerId: c.id } }));
}

describe("store customers", () => {
  it("100 concurrent first uses of one store id create exactly one customer, and all get its id", async () => {
    const { db } = await scenarioDatabase();
    const c = customer();
    const results = await race(100, () => findOrCreateStoreCustomer(db, c));
    const ids = results.map((r) => (r.status === "fulfilled" && r.value.ok ? r.value.userId : `failed: ${String(r)}`));
    expect(new Set(ids).size).toBe(1);
    expect(results.filter((r) => r.status === "fulfilled" && r.value.ok && r.value.created)).toHaveLength(1);
    const rows = await db.user.findMany({ where: { storeCustomerId: c.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: ids[0], email: c.email, passwordHash: null, role: "CUSTOMER" });
    expect(await findStoreCustomer(db, c.id)).toEqual({ ok: true, userId: ids[0], created: false });
  });

  it("the naive look-then-create control fails under the same race (what the single statement prevents)", async () => {
    const { db } = await scenarioDatabase();
    const c = customer();
    const meet = meetingPoint(10);
    const results = await race(10, () => naiveFindOrCreate(db, c, meet));
    // Every caller looked before any created: nine of them hit the UNIQUE constraint as an error (a 500).
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(9);
  });

  it("refuses an email that belongs to another account; an unknown store id is unknown", async () => {
    const { db } = await scenarioDatabase(4);
    const first = customer();
    expect(await findOrCreateStoreCustomer(db, first)).toMatchObject({ ok: true, created: true });
    const other = { id: `${first.id}-other`, email: first.email };
    expect(await findOrCreateStoreCustomer(db, other)).toEqual({ ok: false, reason: "customer_email_taken" });
    await createAccount(db, { name: "Ada", email: "ada@example.com", password: "long enough" });
    expect(await findOrCreateStoreCustomer(db, { id: "cus_ada", email: "ada@example.com" })).toEqual({
      ok: false,
      reason: "customer_email_taken",
    });
    expect(await findStoreCustomer(db, "cus_nobody")).toEqual({ ok: false, reason: "unknown_customer" });
    // The email is read only on creation: the store id alone names the customer afterwards.
    expect(await findOrCreateStoreCustomer(db, { id: first.id, email: "new@store.example" })).toMatchObject({
      ok: true,
      created: false,
    });
  });

  it("signing up with a store customer's email claims that account once; a second sign-up is refused", async () => {
    const { db } = await scenarioDatabase(8);
    const c = customer();
    const made = await findOrCreateStoreCustomer(db, c);
    if (!made.ok) throw new Error("not created");
    const claims = await race(5, (i) =>
      createAccount(db, { name: `Shopper ${i}`, email: c.email, password: `password ${i}!` }),
    );
    const won = claims.filter((r) => r.status === "fulfilled" && r.value.ok);
    expect(won).toHaveLength(1);
    expect(
      claims.filter((r) => r.status === "fulfilled" && !r.value.ok && r.value.reason === "email_taken"),
    ).toHaveLength(4);
    const winner = won[0]!.status === "fulfilled" ? won[0]!.value : null;
    expect(winner).toMatchObject({ ok: true, user: { id: made.userId, email: c.email } });
    const index = Number((winner as { user: { name: string } }).user.name.split(" ")[1]);
    expect(await verifyCredentials(db, { email: c.email, password: `password ${index}!` })).toMatchObject({
      id: made.userId,
    });
    expect(await findStoreCustomer(db, c.id)).toMatchObject({ ok: true, userId: made.userId });
  });
});
