import { describe, expect, it } from "vitest";
import {
  decodeCursor,
  encodeCursor,
  filterQuery,
  newerPage,
  olderPage,
  pagePosition,
  pagerLinks,
  readAuditPage,
} from "@/lib/admin/keyset";

const row = (n: number) => ({
  id: `00000000-0000-4000-8000-00000000000${n}`,
  createdAt: new Date(Date.UTC(2026, 0, n)),
});

describe("keyset paging", () => {
  it("reads one row more than it shows to know whether an older page follows", () => {
    expect(olderPage([row(3), row(2), row(1)], 2)).toEqual({ rows: [row(3), row(2)], next: row(2) });
    expect(olderPage([row(3), row(2)], 2)).toEqual({ rows: [row(3), row(2)], next: null });
  });

  it("turns a newer page read oldest first around, and says whether newer rows remain", () => {
    expect(newerPage([row(1), row(2), row(3)], 2)).toEqual({ rows: [row(2), row(1)], newer: true });
    expect(newerPage([row(1)], 2)).toEqual({ rows: [row(1)], newer: false });
  });

  it("round-trips a cursor and ignores a tampered one", () => {
    expect(decodeCursor(encodeCursor(row(1)))).toEqual(row(1));
    expect(decodeCursor("not-a-cursor")).toBeNull();
    expect(decodeCursor(["a"])).toBeNull();
  });

  it("takes an Older cursor over a Newer one", () => {
    const after = encodeCursor(row(1));
    const before = encodeCursor(row(2));
    expect(pagePosition({ after, before })).toEqual({ after: row(1), before: null });
    expect(pagePosition({ before })).toEqual({ after: null, before: row(2) });
  });

  it("reads the newer page from a Newer link, and always offers the older page it came from", async () => {
    const page = await readAuditPage(
      { after: null, before: row(1) },
      {
        older: () => Promise.reject(new Error("not this one")),
        newer: async () => ({ rows: [row(3), row(2)], newer: false }),
      },
    );
    expect(page).toEqual({ rows: [row(3), row(2)], newer: false, next: row(2) });
  });

  it("builds links that keep the set filters and drop the empty ones", async () => {
    const page = await readAuditPage(
      { after: row(9), before: null },
      { older: async () => ({ rows: [row(5), row(4)], next: row(4) }), newer: () => Promise.reject(new Error()) },
    );
    const links = pagerLinks(page, { code: "SUM MER", status: "", from: undefined });
    expect(links).toEqual({
      first: "?code=SUM+MER",
      newer: `?code=SUM+MER&before=${encodeCursor(row(5))}`,
      older: `?code=SUM+MER&after=${encodeCursor(row(4))}`,
    });
    expect(filterQuery({})).toBe("?");
  });
});
