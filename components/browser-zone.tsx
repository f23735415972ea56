"use client";

import { createContext, useContext, useEffect } from "react";
import { ZONE_COOKIE } from "@/lib/time-zones";

const ServerZone = createContext("UTC");

/** The zone the server rendered customers' dates in (the browser's, from its cookie; else UTC). */
export function ServerZoneProvider({ zone, children }: { zone: string; children: React.ReactNode }) {
  return <ServerZone.Provider value={zone}>{children}</ServerZone.Provider>;
}

export function useServerZone(): string {
  return useContext(ServerZone);
}

/**
 * Remembers the browser's zone in a cookie on any page (sign-in included), so the pages after it render
 * dates in that zone on the server and hydration changes nothing: no jump from UTC to local time.
 */
export function BrowserZoneCookie() {
  useEffect(() => {
    // IANA names ("America/Argentina/Buenos_Aires", "Etc/GMT+5") hold only characters a cookie may carry.
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!document.cookie.split("; ").includes(`${ZONE_COOKIE}=${zone}`)) {
      document.cookie = `${ZONE_COOKIE}=${zone}; path=/; max-age=31536000; samesite=lax`;
    }
  }, []);
  return null;
}
