/**
 * `npm run db:migrate`: applies pending migrations (Prisma-compatible bookkeeping) to DATABASE_URL, or
 * to the embedded database in the data folder, whether or not `npm start` is running on it.
 */
import { toolDatabase } from "./tool-database";

const database = await toolDatabase().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
const { applied, alreadyApplied } = database.migrations;
console.log(
  `${applied.length} applied (${applied.join(", ") || "none pending"}), ${alreadyApplied.length} already applied.`,
);
await database.embedded?.stop();
