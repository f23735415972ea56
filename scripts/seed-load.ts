/**
 * `npm run seed:load -- --redemptions 1000000 [--data-dir .data] [--no-verify]`
 *
 * Adds N redemptions of load data (scripts/bench/load-seed.ts: generated in SQL, every invariant kept) to
 * DATABASE_URL, or to the embedded PostgreSQL in --data-dir (the one `npm start` uses by default, also
 * while it runs). Then runs the invariant checker over it all.
 */
import { parseArgs } from "node:util";
import { seedLoad } from "./bench/load-seed";
import { createDb } from "../lib/db/client";
import { env } from "../lib/env";
import { findViolations } from "../lib/invariants";
import { toolDatabase } from "./tool-database";

const { values } = parseArgs({
  options: {
    redemptions: { type: "string", default: "100000" },
    "data-dir": { type: "string", default: env().ONCE_DATA_DIR },
    "no-verify": { type: "boolean", default: false },
  },
});

const database = await toolDatabase(values["data-dir"]);
const db = createDb(database.url, { max: 2 });
try {
  const result = await seedLoad(db, {
    redemptions: Number(values.redemptions),
    log: (line) => console.log(`[seed:load] ${line}`),
  });
  console.log(
    `[seed:load] added ${result.redemptions.toLocaleString("en-US")} redemptions for ${result.users.toLocaleString("en-US")} customers over ${result.coupons} coupons (LOAD-${result.tag}-…)`,
  );
  if (!values["no-verify"]) {
    const started = performance.now();
    const violations = await findViolations(db);
    console.log(
      `[seed:load] invariant checker: ${violations.length === 0 ? "all hold" : `${violations.length} violations`} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
    );
    for (const v of violations.slice(0, 20)) console.log(`  ${v.invariant}: ${v.detail}`);
    if (violations.length > 0) process.exitCode = 1;
  }
} finally {
  await db.$disconnect();
  await database.embedded?.stop();
}
