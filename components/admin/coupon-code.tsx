"use client";

import Link from "next/link";
import { useState } from "react";

/**
 * A coupon code in a table: cut to the column's width (a 64-character code must not push the other
 * columns off the table), the full code on hover and to screen readers, and a button that copies it.
 */
export function CouponCode({ code, href }: { code: string; href: string }) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  return (
    <span className="inline-flex max-w-[16rem] items-center gap-1">
      <Link
        href={href}
        title={code}
        className="truncate font-mono font-medium text-indigo-700 hover:underline"
        data-testid="coupon-code-link"
      >
        {code}
      </Link>
      <button
        type="button"
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(code);
            setCopied("yes");
          } catch {
            setCopied("failed");
          }
        }}
        aria-label={`Copy ${code}`}
        title="Copy code"
        className="shrink-0 rounded px-1 text-xs text-slate-500 hover:bg-slate-100 hover:text-slate-900"
      >
        {copied === "yes" ? "Copied" : copied === "failed" ? "Copy failed" : "Copy"}
      </button>
    </span>
  );
}
