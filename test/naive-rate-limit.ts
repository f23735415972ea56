import type { Db } from "@/lib/db/client";

/**
 * THE CONTROL for the rate-limit suite: a limiter written check-then-act, the way a home-made one
 * usually is: read the count, decide in application code, then write the increment. It spends a few
 * milliseconds between its check and its write (standing in for anything a request does there), so a
 * two-core machine interleaves concurrent callers every time rather than most of the time. The suite
 * asserts that its harness catches this one over-admitting. It never leaves test/.
 */
export async function naiveConsume(db: Db, key: string, budget: number, gapMs = 10): Promise<boolean> {
  const [row] = await db.$queryRaw<{ points: number }[]>`SELECT points FROM rate_limits WHERE key = ${key}`;
  const used = row?.points ?? 0;
  if (used >= budget) return false;
  await new Promise((resolve) => setTimeout(resolve, gapMs));
  await db.$executeRaw`
    INSERT INTO rate_limits (key, points, expire) VALUES (${key}, 1, NULL)
    ON CONFLICT (key) DO UPDATE SET points = rate_limits.points + 1`;
  return true;
}
