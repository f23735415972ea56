"use client";

import { useEffect } from "react";

/**
 * Marks the page `<html data-hydrated>` once React has hydrated it: the moment a page is what its user
 * sees and can use. Browser tests wait for it (e2e/support.ts) rather than for the network to fall quiet,
 * which link prefetching delays and which says nothing about hydration.
 */
export function HydrationMarker() {
  useEffect(() => {
    document.documentElement.dataset.hydrated = "";
  }, []);
  return null;
}
