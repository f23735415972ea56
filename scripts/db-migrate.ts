/** `npm run db:migrate`: applies pending migrations to DATABASE_URL (Prisma-compatible bookkeeping). */
import { databaseUrlFromEnv } from "../lib/db/client";
import { migrate } from "../lib/db/migrate";

const result = await migrate(databaseUrlFromEnv());
if (!result.ok) {
  console.error(`Refused (${result.reason}) at ${result.migration}: ${result.message}`);
  process.exit(1);
}
console.log(
  `${result.applied.length} applied (${result.applied.join(", ") || "none pending"}), ${result.alreadyApplied.length} already applied.`,
);
