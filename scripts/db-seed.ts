/**
 * `npm run db:seed`: creates the demo users and coupons if they are missing, in DATABASE_URL or in the
 * embedded database of the data folder (beside a running `npm start` too).
 */
import { createDb } from "../lib/db/client";
import { seedDemoData } from "../lib/seed";
import { toolDatabase } from "./tool-database";

const database = await toolDatabase();
const db = createDb(database.url, { max: 2 });
try {
  console.log(await seedDemoData(db));
} finally {
  await db.$disconnect();
  await database.embedded?.stop();
}
