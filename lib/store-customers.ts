import "server-only";
import { z } from "zod";
import { emailSchema } from "@/lib/account-rules";
import type { Db } from "@/lib/db/client";
import { storableText } from "@/lib/input-rules";

/**
 * A store's customers, as the API names them: `{"id": "<the store's id>", "email": "…"}`. Each store id
 * maps to one Once customer (users.store_customer_id, UNIQUE), created on first use without a password;
 * signing up later with that email sets the password on it (lib/accounts.ts). The email is read only
 * when the customer is created: afterwards the store id alone names them.
 */

export const storeCustomerIdSchema = storableText("Remove the NUL character from the customer's id.")
  .trim()
  .min(1, "Send the store's id for the customer.")
  .max(200, "A customer id is at most 200 characters.");

export const storeCustomerSchema = z.object(
  { id: storeCustomerIdSchema, email: emailSchema },
  'Send the customer as {"id": "<your id for them>", "email": "…"}.',
);

export type StoreCustomer = z.infer<typeof storeCustomerSchema>;

export type StoreCustomerRefusal = "unknown_customer" | "customer_email_taken";

export type CustomerFound =
  { ok: true; userId: string; created: boolean } | { ok: false; reason: StoreCustomerRefusal };

/**
 * The Once customer for a store's customer, created if this is the first use. One statement inserts
 * or does nothing: of N concurrent first uses, the store id's UNIQUE lets exactly one insert, and the
 * rest (having waited for it to commit) read its row. An email that already belongs to an account the
 * store id does not name is refused: the store cannot take over someone's account by naming its email.
 */
export async function findOrCreateStoreCustomer(db: Db, customer: StoreCustomer): Promise<CustomerFound> {
  const inserted = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO users (email, name, store_customer_id)
    VALUES (${customer.email}, ${customer.email.split("@")[0] ?? customer.email}, ${customer.id})
    ON CONFLICT DO NOTHING
    RETURNING id`;
  if (inserted[0]) return { ok: true, userId: inserted[0].id, created: true };
  const found = await findStoreCustomer(db, customer.id);
  return found.ok ? found : { ok: false, reason: "customer_email_taken" };
}

/** The Once customer a store id names, if the store has used it before. */
export async function findStoreCustomer(db: Db, storeCustomerId: string): Promise<CustomerFound> {
  const user = await db.user.findUnique({ where: { storeCustomerId }, select: { id: true, role: true } });
  return user?.role === "CUSTOMER"
    ? { ok: true, userId: user.id, created: false }
    : { ok: false, reason: "unknown_customer" };
}

/**
 * The customer a hold was made for: settling a hold by its id acts for them. Read once, before the
 * settling's guarded write, which checks the status itself; a hold's customer never changes.
 */
export async function findHoldCustomer(
  db: Db,
  holdId: string,
): Promise<{ ok: true; userId: string } | { ok: false; reason: "not_found" }> {
  if (!z.uuid().safeParse(holdId).success) return { ok: false, reason: "not_found" };
  const hold = await db.hold.findUnique({ where: { id: holdId }, select: { userId: true } });
  return hold ? { ok: true, userId: hold.userId } : { ok: false, reason: "not_found" };
}
