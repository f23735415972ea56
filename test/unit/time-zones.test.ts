import { describe, expect, it } from "vitest";
import { formatDayAndTime, formatDayAndTimeIn, formatDayAndTimeWithUtc } from "@/lib/format";
import { TIME_ZONES, instantToWallTime, isTimeZone, wallTimeToInstant } from "@/lib/time-zones";

const iso = (text: string, zone: string) => wallTimeToInstant(text, zone)?.toISOString();

describe("a datetime-local value read on a store's wall clocks", () => {
  it("is the instant the zone's offset says, in winter and in summer", () => {
    expect(iso("2026-11-28T14:00", "Europe/Berlin")).toBe("2026-11-28T13:00:00.000Z");
    expect(iso("2026-07-01T14:00", "Europe/Berlin")).toBe("2026-07-01T12:00:00.000Z");
    expect(iso("2026-11-28T14:00", "UTC")).toBe("2026-11-28T14:00:00.000Z");
    expect(iso("2026-11-28T09:30", "Asia/Kolkata")).toBe("2026-11-28T04:00:00.000Z");
    expect(iso("2026-11-28T00:00", "Pacific/Kiritimati")).toBe("2026-11-27T10:00:00.000Z");
  });

  it("moves a time skipped by spring-forward past the gap", () => {
    // Berlin 29 March 2026: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist.
    expect(iso("2026-03-29T02:30", "Europe/Berlin")).toBe("2026-03-29T01:30:00.000Z");
    expect(iso("2026-03-29T01:59", "Europe/Berlin")).toBe("2026-03-29T00:59:00.000Z");
    expect(iso("2026-03-29T03:00", "Europe/Berlin")).toBe("2026-03-29T01:00:00.000Z");
    // New York 8 March 2026: 02:00 EST jumps to 03:00 EDT.
    expect(iso("2026-03-08T02:30", "America/New_York")).toBe("2026-03-08T07:30:00.000Z");
    // Lord Howe moves by half an hour, 02:00 → 02:30 on 4 October 2026: 02:15 becomes 02:45 (+11:00).
    expect(iso("2026-10-04T02:15", "Australia/Lord_Howe")).toBe("2026-10-03T15:45:00.000Z");
  });

  it("takes the first of a time that happens twice when the clocks fall back", () => {
    // Berlin 25 October 2026: 03:00 CEST falls back to 02:00 CET; 02:30 happens at 00:30Z and 01:30Z.
    expect(iso("2026-10-25T02:30", "Europe/Berlin")).toBe("2026-10-25T00:30:00.000Z");
    expect(iso("2026-10-25T03:00", "Europe/Berlin")).toBe("2026-10-25T02:00:00.000Z");
    // New York 1 November 2026: 01:30 happens at 05:30Z (EDT) and 06:30Z (EST).
    expect(iso("2026-11-01T01:30", "America/New_York")).toBe("2026-11-01T05:30:00.000Z");
  });

  it("refuses text that names no date", () => {
    for (const text of ["", "2026-02-30T10:00", "2026-11-28T24:00", "tomorrow", "2026-11-28 10:00"]) {
      expect(wallTimeToInstant(text, "Europe/Berlin"), text).toBeNull();
    }
  });

  it("writes an instant back as the input shows it, round-tripping outside the edges", () => {
    const instant = new Date("2026-11-28T13:00:00Z");
    expect(instantToWallTime(instant, "Europe/Berlin")).toBe("2026-11-28T14:00");
    expect(instantToWallTime(instant, "UTC")).toBe("2026-11-28T13:00");
    expect(instantToWallTime(new Date("2026-10-25T00:30:00Z"), "Europe/Berlin")).toBe("2026-10-25T02:30");
    expect(instantToWallTime(new Date("2026-10-25T01:30:00Z"), "Europe/Berlin")).toBe("2026-10-25T02:30");
    for (const zone of ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]) {
      expect(wallTimeToInstant(instantToWallTime(instant, zone), zone)).toEqual(instant);
    }
  });
});

describe("store zones", () => {
  it("are the IANA zones the runtime knows, UTC first", () => {
    expect(TIME_ZONES[0]).toBe("UTC");
    expect(isTimeZone("Europe/Berlin")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    for (const bad of ["Mars/Olympus", "europe/berlin", "", "+01:00", "CET "]) expect(isTimeZone(bad), bad).toBe(false);
  });
});

describe("dates shown in a zone", () => {
  const instant = new Date("2026-11-28T13:00:00Z");
  it("name the zone, and UTC beside it for a preview", () => {
    expect(formatDayAndTimeIn(instant, "Europe/Berlin")).toBe("28 Nov 2026, 14:00 Europe/Berlin");
    expect(formatDayAndTime(instant)).toBe("28 Nov 2026, 13:00 UTC");
    expect(formatDayAndTimeWithUtc(instant, "Europe/Berlin")).toBe("28 Nov 2026, 14:00 Europe/Berlin · 13:00 UTC");
    expect(formatDayAndTimeWithUtc(instant, "UTC")).toBe("28 Nov 2026, 13:00 UTC");
  });
  it("repeat the UTC date when it is another day", () => {
    expect(formatDayAndTimeWithUtc(new Date("2026-11-28T23:30:00Z"), "Asia/Tokyo")).toBe(
      "29 Nov 2026, 08:30 Asia/Tokyo · 28 Nov 2026, 23:30 UTC",
    );
  });
});

describe("the coupon form in a store zone", () => {
  it("reads the window on the store's wall clocks and writes it back the same way", async () => {
    const { couponFormSchemaIn, couponFormValues } = await import("@/lib/admin/coupon-form");
    const typed = { ...couponFormValues(), value: "5", startsAt: "2031-03-30T02:30", expiresAt: "2031-11-28T14:00" };
    const parsed = couponFormSchemaIn("Europe/Berlin").parse(typed);
    // 30 March 2031 is the spring-forward day in Berlin: 02:30 does not exist and becomes 03:30 CEST.
    expect(parsed.startsAt?.toISOString()).toBe("2031-03-30T01:30:00.000Z");
    expect(parsed.expiresAt?.toISOString()).toBe("2031-11-28T13:00:00.000Z");
    expect(couponFormSchemaIn("UTC").parse(typed).expiresAt?.toISOString()).toBe("2031-11-28T14:00:00.000Z");
  });
});
