/**
 * `npm run bench:audit [-- --redemptions 1000000] [--data-dir .data/bench-audit]`
 *
 * Server time of the admin audit pages at scale: the query functions the pages call (first page and a
 * deep keyset page, with each filter), the overview, and the streaming CSV export of every redemption
 * with its peak memory. Load data is added first (scripts/bench/load-seed.ts) until the database holds
 * --redemptions. Joins the server `npm start` runs on that data folder, if any. Prints numbers and the
 * server's durability settings; nothing here asserts speed.
 */
import { parseArgs } from "node:util";
import { couponListQuerySchema, listCoupons } from "../lib/admin/coupons/list";
import { csvStream } from "../lib/admin/csv";
import { seedLoad } from "./bench/load-seed";
import type { Cursor } from "../lib/admin/keyset";
import { listRedemptions, redemptionFiltersSchema, redemptionsCsv } from "../lib/admin/redemptions";
import { attemptFiltersSchema, listAttempts, overview, suspiciousActivity } from "../lib/admin/reports";
import { createDb } from "../lib/db/client";
import { durabilityOf } from "./bench/harness";
import { toolDatabase } from "./tool-database";

const { values } = parseArgs({
  options: {
    redemptions: { type: "string", default: "1000000" },
    "data-dir": { type: "string", default: ".data/bench-audit" },
  },
});
const target = Number(values.redemptions);
const database = await toolDatabase(values["data-dir"]);
const db = createDb(database.url, { max: 4 });
console.log(`database settings: ${await durabilityOf(db)}`);

const existing = await db.redemption.count();
if (existing < target) {
  console.log(`seeding ${(target - existing).toLocaleString("en-US")} redemptions…`);
  await seedLoad(db, { redemptions: target - existing, log: (line) => console.log(`  ${line}`) });
}
const total = await db.redemption.count();

/** Median of `runs` timings after one warm-up call, in ms. */
async function time(fn: () => Promise<unknown>, runs = 5): Promise<number> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

/** A cursor about `depth` rows into the filtered list, found once (not timed). */
async function cursorAt(
  filters: ReturnType<typeof redemptionFiltersSchema.parse>,
  depth: number,
): Promise<Cursor | null> {
  let cursor: Cursor | null = null;
  for (let skipped = 0; skipped < depth;) {
    const page = await listRedemptions(db, filters, cursor, Math.min(10_000, depth - skipped));
    if (!page.next) break;
    skipped += page.rows.length;
    cursor = page.next;
  }
  return cursor;
}

async function countMatching(raw: Record<string, string>): Promise<number> {
  return db.redemption.count({
    where: {
      ...(raw.code ? { coupon: { code: raw.code } } : {}),
      ...(raw.email ? { user: { email: raw.email } } : {}),
      ...(raw.status ? { status: raw.status as "ACTIVE" | "REVOKED" } : {}),
      ...(raw.from ? { createdAt: { gte: new Date(`${raw.from}T00:00:00Z`) } } : {}),
    },
  });
}

const sample = (await listRedemptions(db, redemptionFiltersSchema.parse({}), null, 1)).rows[0]!;
const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
const cases: [string, Record<string, string>][] = [
  ["no filter", {}],
  ["coupon code", { code: sample.code }],
  ["customer email", { email: sample.email }],
  ["status revoked", { status: "REVOKED" }],
  ["last 30 days", { from: monthAgo }],
  ["code + 30 days + active", { code: sample.code, from: monthAgo, status: "ACTIVE" }],
];

console.log(`\naudit page queries at ${total.toLocaleString("en-US")} redemptions (median of 5, ms; page = 50 rows)`);
console.log("filter".padEnd(28), "first page".padStart(11), "deep page".padStart(11), "deep at row".padStart(12));
for (const [name, raw] of cases) {
  const filters = redemptionFiltersSchema.parse(raw);
  // Halfway into what the filter matches (at most 500,000 rows in), found once and not timed.
  const depth = Math.min(500_000, Math.floor((await countMatching(raw)) / 2));
  const deep = depth >= 50 ? await cursorAt(filters, depth) : null;
  const first = await time(() => listRedemptions(db, filters, null, 50));
  const deepMs = deep ? await time(() => listRedemptions(db, filters, deep, 50)) : NaN;
  console.log(
    name.padEnd(28),
    first.toFixed(1).padStart(11),
    (deep ? deepMs.toFixed(1) : "(short)").padStart(11),
    (deep ? `~${depth.toLocaleString("en-US")}` : "").padStart(12),
  );
}

console.log("\nother admin pages (median of 5, ms)");
const other: [string, () => Promise<unknown>][] = [
  ["overview (totals, top, refusals)", () => overview(db)],
  ["coupons list, first page", () => listCoupons(db, couponListQuerySchema.parse({}))],
  ["attempts, refused, first page", () => listAttempts(db, attemptFiltersSchema.parse({}))],
  ["suspicious activity (last hour)", () => suspiciousActivity(db)],
];
for (const [name, fn] of other) console.log(name.padEnd(36), (await time(fn)).toFixed(1).padStart(9));

console.log("\nCSV export of every redemption (streamed, consumed and discarded)");
const baseline = process.memoryUsage();
let peakRss = baseline.rss;
let peakHeap = baseline.heapUsed;
let bytes = 0;
let rows = 0;
const started = performance.now();
const reader = csvStream(redemptionsCsv(db, redemptionFiltersSchema.parse({}))).getReader();
for (let read = await reader.read(); !read.done; read = await reader.read()) {
  bytes += read.value.byteLength;
  for (const byte of read.value) if (byte === 10) rows++;
  const memory = process.memoryUsage();
  peakRss = Math.max(peakRss, memory.rss);
  peakHeap = Math.max(peakHeap, memory.heapUsed);
}
const seconds = (performance.now() - started) / 1000;
const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
console.log(
  `rows ${(rows - 1).toLocaleString("en-US")}, ${mb(bytes)} MB in ${seconds.toFixed(1)} s (${Math.round((rows - 1) / seconds).toLocaleString("en-US")} rows/s)`,
);
console.log(
  `peak RSS ${mb(peakRss)} MB (baseline ${mb(baseline.rss)} MB), peak heap ${mb(peakHeap)} MB (baseline ${mb(baseline.heapUsed)} MB)`,
);

await db.$disconnect();
await database.embedded?.stop();
