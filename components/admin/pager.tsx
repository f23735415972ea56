import Link from "next/link";

const pagerLink = "rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50";

/**
 * The audit pages' pager: how many rows the filters match, and First/Newer/Older links (query strings
 * that keep the filters, built by the page) where such a page exists.
 */
export function Pager({
  total,
  links,
}: {
  /** "1,234 redemptions match" */
  total: string;
  links: { first: string | null; newer: string | null; older: string | null };
}) {
  return (
    <nav aria-label="Pages" className="flex flex-wrap items-center justify-end gap-2 text-sm">
      <span className="mr-auto text-slate-600" data-testid="total">
        {total}
      </span>
      {links.first && (
        <Link href={links.first} className={pagerLink}>
          « First page
        </Link>
      )}
      {links.newer && (
        <Link href={links.newer} className={pagerLink} data-testid="newer">
          ← Newer
        </Link>
      )}
      {links.older && (
        <Link href={links.older} className={pagerLink} data-testid="older">
          Older →
        </Link>
      )}
    </nav>
  );
}
