/**
 * The redemptions CSV export streams: it reads one keyset page per pull, so 100,000 redemptions
 * (made by the load seed, which must itself satisfy every invariant) go out with bounded heap growth.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { findViolations } from "@/lib/invariants";
import { csvCell, csvLine, csvStream } from "@/lib/admin/csv";
import { seedLoad } from "../scripts/bench/load-seed";
import type { Cursor } from "@/lib/admin/keyset";
import {
  EXPORT_PAGE_SIZE,
  listRedemptions,
  redemptionFiltersSchema,
  redemptionsCsv,
  redemptionsPageSql,
} from "@/lib/admin/redemptions";
import { freshDatabase, type TestDatabase } from "./helpers";

const ROWS = 100_000;
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
let test: TestDatabase;
let db: Db;

beforeAll(async () => {
  test = await freshDatabase(4);
  db = test.db;
  await seedLoad(db, { redemptions: ROWS });
}, 300_000);
afterAll(() => test.drop());

const noFilters = redemptionFiltersSchema.parse({});

describe("CSV cells", () => {
  it("quote per RFC 4180 and neutralise spreadsheet formulas", () => {
    expect(csvCell('say "hi", then\r\nleave')).toBe('"say ""hi"", then\r\nleave"');
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    for (const start of ["+1", "-1", "@SUM(A1)", "\tx"]) expect(csvCell(start).replace(/^"/, "")).toMatch(/^'/);
    expect(csvCell(-12)).toBe("-12");
    expect(csvCell(null)).toBe("");
    expect(csvLine(["a", 1, null])).toBe("a,1,\r\n");
  });
});

describe("the seeded load data", () => {
  it("holds every invariant", async () => {
    expect(await findViolations(db)).toEqual([]);
    expect(await db.redemption.count()).toBe(ROWS);
  }, 120_000);
});

describe("redemptions export", () => {
  it("is pulled page by page: nothing is read ahead of the consumer", async () => {
    let pages = 0;
    let reading: Promise<unknown> = Promise.resolve();
    const source = redemptionsCsv(db, noFilters);
    const page = (cursor: Cursor | null) => {
      pages++;
      return (reading = source.page(cursor));
    };
    const reader = csvStream({ ...source, page }).getReader();
    await reader.read(); // header
    await reader.read(); // first page
    // Everything the stream does unprompted, however long its reads take: until no read is under way
    // and none starts after the last one ended (a stream that reads ahead would go on past two).
    for (let seen = -1; seen !== pages && pages <= 2;) {
      seen = pages;
      await reading;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(pages).toBeLessThanOrEqual(2);
    await reader.cancel();
  });

  it(`streams ${ROWS.toLocaleString("en-US")} rows with bounded heap growth`, async () => {
    const stream = csvStream(redemptionsCsv(db, noFilters));
    const decoder = new TextDecoder();
    // Collecting before each sample measures what the export keeps alive, not garbage awaiting a GC.
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    let lines = 0;
    let bytes = 0;
    const reader = stream.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      const chunk = read.value;
      bytes += chunk.byteLength;
      lines += decoder.decode(chunk).split("\r\n").length - 1;
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    const growthMb = (peak - baseline) / 1024 / 1024;
    console.log(
      `export: ${lines} lines, ${(bytes / 1024 / 1024).toFixed(1)} MB of CSV, heap growth ${growthMb.toFixed(1)} MB`,
    );
    expect(lines).toBe(ROWS + 1);
    expect(growthMb).toBeLessThan(64);
  }, 300_000);

  it("pages by keyset: consecutive pages neither overlap nor skip, under a filter", async () => {
    const filters = redemptionFiltersSchema.parse({ status: "REVOKED" });
    const seen = new Set<string>();
    let cursor: Cursor | null = null;
    do {
      const page: Awaited<ReturnType<typeof listRedemptions>> = await listRedemptions(db, filters, cursor, 500);
      for (const row of page.rows) {
        expect(row.status).toBe("REVOKED");
        expect(seen.has(row.id)).toBe(false);
        seen.add(row.id);
      }
      cursor = page.next;
    } while (cursor);
    expect(seen.size).toBe(await db.redemption.count({ where: { status: "REVOKED" } }));
  });

  it("a deep page is an index scan under every filter (EXPLAIN)", async () => {
    const deep = await listRedemptions(db, noFilters, null, EXPORT_PAGE_SIZE);
    const sample = deep.rows.at(-1)!;
    const cases = [
      {},
      { code: sample.code },
      { email: sample.email },
      { status: "REVOKED" },
      { from: "2020-01-01", to: "2099-12-31" },
    ];
    for (const raw of cases) {
      const sql = redemptionsPageSql(redemptionFiltersSchema.parse(raw), deep.next, 51);
      const plan = await db.$queryRaw<{ "QUERY PLAN": string }[]>(Prisma.sql`EXPLAIN ${sql}`);
      const text = plan.map((p) => p["QUERY PLAN"]).join("\n");
      expect(text, JSON.stringify(raw)).toMatch(/Index (Only )?Scan (Backward )?using redemptions_/);
      expect(text, JSON.stringify(raw)).not.toMatch(/Seq Scan on redemptions/);
    }
  });
});
