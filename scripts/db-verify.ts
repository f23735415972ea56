/**
 * `npm run db:verify`: checks every invariant (lib/invariants.ts) against DATABASE_URL, or against the
 * embedded database of the data folder, also while `npm start` serves it. Exits 1 when any is violated.
 */
import { createDb } from "../lib/db/client";
import { findViolations } from "../lib/invariants";
import { toolDatabase } from "./tool-database";

const database = await toolDatabase();
const db = createDb(database.url, { max: 2 });
try {
  const violations = await findViolations(db);
  for (const v of violations) console.log(`VIOLATION  ${v.invariant}: ${v.detail}`);
  console.log(violations.length === 0 ? "All invariants hold." : `${violations.length} violation(s).`);
  process.exitCode = violations.length === 0 ? 0 : 1;
} finally {
  await db.$disconnect();
  await database.embedded?.stop();
}
