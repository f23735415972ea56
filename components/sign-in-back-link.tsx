"use client";

import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import { signInPath } from "@/lib/callback-url";

/** A link to sign-in that comes back to this very page (path and query) afterwards. */
export function SignInBackLink({ className, children }: { className?: string; children: React.ReactNode }) {
  const pathname = usePathname();
  const query = useSearchParams().toString();
  return (
    <Link href={signInPath(query ? `${pathname}?${query}` : pathname)} className={className} data-testid="sign-in-back">
      {children}
    </Link>
  );
}
