import { describe, expect, it } from "vitest";
import { type DeliveryOptions, retryDelayMs } from "@/lib/webhooks/deliver";

const options: DeliveryOptions = { timeoutMs: 10_000, retryBaseMs: 1_000, retryMaxMs: 60_000, disableAfter: 10 };

describe("a failed delivery's next attempt", () => {
  it("doubles the delay with each attempt, from the base up to the maximum", () => {
    const ceiling = (attempts: number) => retryDelayMs(attempts, options, () => 1);
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(ceiling)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
    // However many attempts a dead receiver has seen (2^1000 would be Infinity).
    expect(ceiling(1_000)).toBe(60_000);
  });

  it("waits at least half of it, and jitters the other half so queues do not all come back at once", () => {
    expect(retryDelayMs(3, options, () => 0)).toBe(2_000);
    expect(retryDelayMs(3, options, () => 0.5)).toBe(3_000);
    let seed = 1;
    const random = () => ((seed = (seed * 16_807) % 2_147_483_647) - 1) / 2_147_483_646;
    const delays = Array.from({ length: 200 }, () => retryDelayMs(5, options, random));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(8_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(16_000);
    expect(new Set(delays).size).toBeGreaterThan(150);
  });
});
