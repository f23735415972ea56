/** A refusal names its window's instant in the store's zone: the day the store meant, not UTC's. */
import { describe, expect, it } from "vitest";
import { namesADate, redeemMessage } from "@/lib/messages";
import type { RedeemResult } from "@/lib/redemptions";

const refused = (reason: "not_started" | "expired" | "exhausted", window?: Record<string, Date | null>) =>
  ({ ok: false, reason, replayed: false, window }) as RedeemResult;

describe("redeem messages with dates", () => {
  // Midnight on 1 December in Berlin is still 30 November in UTC.
  const midnightBerlin = new Date("2026-11-30T23:00:00Z");

  it("says when a code starts and when it expired, in the zone given", () => {
    const notYet = refused("not_started", { startsAt: midnightBerlin, expiresAt: null });
    expect(redeemMessage(notYet, "Europe/Berlin")).toBe(
      "This code isn't valid yet. You can redeem it from 1 Dec 2026, 00:00 Europe/Berlin.",
    );
    expect(redeemMessage(notYet, "UTC")).toBe(
      "This code isn't valid yet. You can redeem it from 30 Nov 2026, 23:00 UTC.",
    );
    const over = refused("expired", { startsAt: null, expiresAt: midnightBerlin });
    expect(redeemMessage(over, "Europe/Berlin")).toBe("This code expired on 1 Dec 2026, 00:00 Europe/Berlin.");
  });

  it("needs the zone only for a refusal with a date", () => {
    expect(namesADate(refused("expired", { startsAt: null, expiresAt: midnightBerlin }))).toBe(true);
    expect(namesADate(refused("expired"))).toBe(false);
    expect(namesADate(refused("exhausted"))).toBe(false);
    expect(redeemMessage(refused("expired"), "UTC")).toBe("This code has expired.");
  });
});
