import type { Db } from "@/lib/db/client";
import { makeUsers } from "./helpers";

/** An admin and a customer of a test database, by id. */
export async function makeAdminAndCustomer(db: Db): Promise<{ adminId: string; customerId: string }> {
  const [adminId, customerId] = await makeUsers(db, 2, "admin-test");
  await db.user.update({ where: { id: adminId! }, data: { role: "ADMIN" } });
  return { adminId: adminId!, customerId: customerId! };
}

export { snapshot } from "@/lib/db/snapshot";
