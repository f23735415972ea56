/**
 * `npm run db:verify`: checks every invariant (lib/invariants.ts) against DATABASE_URL, or against
 * the embedded demo database in .data/ when DATABASE_URL is unset. Exits 1 when any is violated.
 */
import path from "node:path";
import { prepareDatabase } from "../lib/db/bootstrap";
import { createDb } from "../lib/db/client";
import { findViolations } from "../lib/invariants";

const database = await prepareDatabase({ dataDir: path.resolve(import.meta.dirname, "..", ".data") });
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
