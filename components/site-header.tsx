import Link from "next/link";
import type { CurrentUser } from "@/lib/current-user";
import { formatCents } from "@/lib/format";
import { Logo } from "./logo";
import { NavLinks } from "./nav-links";
import { SignOutButton } from "./sign-out-button";

/** Navigation, the signed-in customer's balance and sign-out; sign-in links otherwise. */
export function SiteHeader({ user }: { user: CurrentUser | null }) {
  return (
    <header className="border-b border-slate-200 bg-white/90 backdrop-blur">
      <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
        <Logo />
        {user ? (
          <>
            <nav aria-label="Main" className="order-last w-full sm:order-none sm:w-auto">
              <NavLinks />
            </nav>
            <div className="flex items-center gap-2">
              {/* Wide enough for $99,999.99: the nav beside it stays put as the balance changes. */}
              <Link
                href="/wallet"
                className="min-w-28 rounded-full bg-emerald-50 px-3 py-1 text-center text-sm font-semibold text-emerald-800 tabular-nums ring-1 ring-emerald-200 ring-inset hover:bg-emerald-100"
                aria-label={`Balance: ${formatCents(user.balanceCents)}. Open your wallet`}
                data-testid="header-balance"
              >
                {formatCents(user.balanceCents)}
              </Link>
              {user.role === "ADMIN" && (
                <Link
                  href="/admin"
                  className="rounded-md px-3 py-1 text-sm font-semibold text-slate-800 ring-1 ring-slate-300 ring-inset hover:bg-slate-100"
                >
                  Admin
                </Link>
              )}
              <span className="hidden max-w-40 truncate text-sm text-slate-600 md:inline" title={user.email}>
                {user.name}
              </span>
              <SignOutButton />
            </div>
          </>
        ) : (
          <div className="flex items-center gap-2">
            <Link
              href="/sign-in"
              className="rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100"
            >
              Sign in
            </Link>
            <Link
              href="/sign-up"
              className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-semibold text-white hover:bg-indigo-700"
            >
              Create account
            </Link>
          </div>
        )}
      </div>
    </header>
  );
}
