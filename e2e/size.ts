/**
 * How big the heavy scenario suites run (multi-instance, the race tool). By default each burst is as
 * large as it must be to do its job in every run: the naive controls are still caught, the faults
 * still land inside a burst, the pool is still exhausted. TEST_SIZE=full (`npm run test:soak`) runs
 * them at the sizes they were written with, which take minutes each on two cores.
 */
const size = process.env.TEST_SIZE ?? "ci";
if (size !== "ci" && size !== "full") throw new Error(`TEST_SIZE must be "ci" or "full", not "${size}"`);

/** `ci` in an ordinary run, `full` under TEST_SIZE=full. */
export function sized(ci: number, full: number): number {
  return size === "full" ? full : ci;
}
