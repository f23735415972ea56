"use client";

import { Toaster as Sonner } from "sonner";

/**
 * Where answers to one-off actions appear (revoke, disable…): outside any table, so nothing clips them,
 * and on top of the page at every width. Mounted once, in the root layout.
 */
export function Toaster() {
  // Sonner's 16 px icon box holds a 20 px icon; sized to fit, nothing in a toast is cut off.
  // At the bottom: at the top a toast covered the site's and the admin's navigation bars.
  return <Sonner position="bottom-center" closeButton toastOptions={{ classNames: { icon: "size-5!" } }} />;
}
