"use client";

import { Toaster as Sonner } from "sonner";

/**
 * Where answers to one-off actions appear (revoke, disable…): outside any table, so nothing clips them,
 * and on top of the page at every width. Mounted once, in the root layout.
 */
export function Toaster() {
  return <Sonner position="top-center" closeButton toastOptions={{ className: "text-sm" }} />;
}
