import Link from "next/link";
import { formatCents } from "@/lib/format";

/** The customer's store credit, with where to go next. */
export function BalanceCard({
  balanceCents,
  links,
}: {
  balanceCents: number;
  links: { href: string; label: string }[];
}) {
  return (
    <section
      aria-labelledby="balance-heading"
      className="self-start rounded-xl bg-gradient-to-br from-indigo-600 to-violet-700 p-6 text-white shadow-sm"
    >
      <h2 id="balance-heading" className="text-sm font-medium text-indigo-100">
        Store credit
      </h2>
      <p className="mt-1 text-4xl font-semibold tracking-tight tabular-nums" data-testid="balance">
        {formatCents(balanceCents)}
      </p>
      <ul className="mt-5 flex flex-wrap gap-2">
        {links.map((link) => (
          <li key={link.href}>
            <Link
              href={link.href}
              className="inline-flex rounded-md bg-white/15 px-3 py-1.5 text-sm font-medium text-white hover:bg-white/25 focus-visible:outline-white"
            >
              {link.label}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
