/** `npm run db:seed`: creates the demo users and coupons in DATABASE_URL if they are missing. */
import { createDb, databaseUrlFromEnv } from "../lib/db/client";
import { seedDemoData } from "../lib/seed";

const db = createDb(databaseUrlFromEnv(), { max: 2 });
console.log(await seedDemoData(db));
await db.$disconnect();
