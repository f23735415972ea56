/**
 * CSV for the admin exports: RFC 4180 quoting, spreadsheet formula injection neutralised, and a
 * streaming body that fetches one keyset page per pull, so memory stays constant however many rows.
 */

export type CsvCell = string | number | null | undefined;

// A cell a spreadsheet would evaluate: =, +, -, @ start a formula; tab and CR can hide one after them.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: numbers as written, text neutralised (a leading ') and quoted when it needs to be. */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, CRLF-terminated as RFC 4180 says. */
export function csvLine(cells: readonly CsvCell[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

export interface CsvSource<Row, Cursor> {
  header: readonly string[];
  /** The page after `cursor` (null: the first), and the cursor of the page after it (null: done). */
  page(cursor: Cursor | null): Promise<{ rows: Row[]; next: Cursor | null }>;
  cells(row: Row): CsvCell[];
}

/**
 * A pull-driven stream: the next page is read from the database only when the consumer has taken the
 * previous one, so a slow download holds one page in memory, not the whole export.
 */
export function csvStream<Row, Cursor>(source: CsvSource<Row, Cursor>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: Cursor | null = null;
  let started = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!started) {
          started = true;
          // A BOM, so spreadsheet apps read the UTF-8 (emails, descriptions) as UTF-8.
          controller.enqueue(encoder.encode(`\uFEFF${csvLine(source.header)}`));
          return;
        }
        const { rows, next } = await source.page(cursor);
        if (rows.length > 0) controller.enqueue(encoder.encode(rows.map((row) => csvLine(source.cells(row))).join("")));
        if (next === null) controller.close();
        else cursor = next;
      },
    },
    { highWaterMark: 1 },
  );
}
