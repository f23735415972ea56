/**
 * How big the heavy scenario suites run (the race tool). By default each burst is as large as it must
 * be to do its job in every run: the naive controls are still caught. TEST_SIZE=full (`npm run
 * test:soak`) runs them at the sizes they were written with. The multi-instance suite keeps its sizes
 * in every run: a smaller burst can end before its fault lands, and 600 requests did not always
 * exhaust its pool of two (every one answered in time in one run).
 */
const size = process.env.TEST_SIZE ?? "ci";
if (size !== "ci" && size !== "full") throw new Error(`TEST_SIZE must be "ci" or "full", not "${size}"`);

/** `ci` in an ordinary run, `full` under TEST_SIZE=full. */
export function sized(ci: number, full: number): number {
  return size === "full" ? full : ci;
}
