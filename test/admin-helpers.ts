import type { Db } from "@/lib/db/client";
import { makeUsers } from "./helpers";

/** An admin and a customer of a test database, by id. */
export async function makeAdminAndCustomer(db: Db): Promise<{ adminId: string; customerId: string }> {
  const [adminId, customerId] = await makeUsers(db, 2, "admin-test");
  await db.user.update({ where: { id: adminId! }, data: { role: "ADMIN" } });
  return { adminId: adminId!, customerId: customerId! };
}

/** Row counts of everything a server action could change, to prove a refused action changed nothing. */
export async function snapshot(db: Db): Promise<string> {
  const [row] = await db.$queryRaw<Record<string, unknown>[]>`
    SELECT (SELECT count(*) FROM admin_audit_log)::int AS audit,
           (SELECT count(*) FROM coupons)::int AS coupons,
           (SELECT count(*) FROM coupon_batches)::int AS batches,
           (SELECT string_agg(code || ':' || status || ':' || value_cents || ':' || coalesce(max_redemptions, -1) || ':' || redeemed_count, ',' ORDER BY code) FROM coupons) AS terms,
           (SELECT string_agg(id::text || ':' || status, ',' ORDER BY id) FROM redemptions) AS redemptions,
           (SELECT count(*) FROM ledger_entries)::int AS ledger,
           (SELECT count(*) FROM orders)::int AS orders,
           (SELECT string_agg(o.id::text || ':' || o.status, ',' ORDER BY o.id) FROM orders o) AS order_statuses,
           (SELECT string_agg(sku || ':' || coalesce(stock, -1), ',' ORDER BY sku) FROM products) AS products,
           (SELECT count(*) FROM stock_movements)::int AS stock_movements,
           (SELECT count(*) FROM users)::int AS users`;
  return JSON.stringify(row);
}
