import type { Metadata } from "next";
import { GeistMono } from "geist/font/mono";
import { GeistSans } from "geist/font/sans";
import { connection } from "next/server";
import { BrowserZoneCookie } from "@/components/browser-zone";
import { HydrationMarker } from "@/components/hydration-marker";
import { Toaster } from "@/components/toaster";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Once", template: "%s · Once" },
  description: "Coupons and store credit that redeem exactly as often as they allow.",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page renders per request: Next.js puts the CSP nonce that proxy.ts made for this request on
  // its scripts, and a page built ahead of time (the 404 page, say) would carry none and be blocked.
  // (A <Script> of our own would take the nonce from the `x-nonce` request header; there is none yet.)
  await connection();
  return (
    <html lang="en" className={`${GeistSans.variable} ${GeistMono.variable}`}>
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">
        <a
          href="#main"
          className="sr-only rounded-md bg-white px-4 py-2 text-sm font-semibold text-indigo-700 shadow focus:not-sr-only focus:fixed focus:top-3 focus:left-3 focus:z-50"
        >
          Skip to content
        </a>
        {children}
        <Toaster />
        <BrowserZoneCookie />
        <HydrationMarker />
      </body>
    </html>
  );
}
