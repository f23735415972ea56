import Link from "next/link";
import type { Coupon } from "@/lib/generated/prisma/client";
import type { CouponListQuery } from "@/lib/admin/coupons/list";
import { couponOffer } from "@/lib/admin/coupon-offer";
import { formatCount, formatDayAndTime, plural } from "@/lib/format";
import { CouponStateBadges } from "./badges";
import { DataTable, td, th } from "./data-table";

type SortKey = CouponListQuery["sort"];

function queryString(
  query: CouponListQuery,
  changes: Partial<Record<keyof CouponListQuery, string | number | undefined>>,
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...query, ...changes })) {
    if (value !== undefined && value !== "" && value !== "all") params.set(key, String(value));
  }
  return `/admin/coupons?${params}`;
}

function SortHeader({ query, sort, children }: { query: CouponListQuery; sort: SortKey; children: React.ReactNode }) {
  const active = query.sort === sort;
  const dir = active && query.dir === "desc" ? "asc" : "desc";
  return (
    <th className={th} aria-sort={active ? (query.dir === "asc" ? "ascending" : "descending") : undefined}>
      <Link
        href={queryString(query, { sort, dir, page: 1 })}
        className="inline-flex items-center gap-1 hover:text-slate-900"
      >
        {children}
        <span aria-hidden="true">{active ? (query.dir === "asc" ? "▲" : "▼") : "↕"}</span>
      </Link>
    </th>
  );
}

export function CouponsTable({ coupons, query, now }: { coupons: Coupon[]; query: CouponListQuery; now: Date }) {
  return (
    <DataTable
      testId="coupons-table"
      empty={coupons.length === 0 && "No coupons match these filters."}
      head={
        <>
          <SortHeader query={query} sort="code">
            Code
          </SortHeader>
          <SortHeader query={query} sort="value">
            Value
          </SortHeader>
          <SortHeader query={query} sort="redeemed">
            Redeemed / max
          </SortHeader>
          <th className={th}>Per customer</th>
          <th className={th}>Window (UTC)</th>
          <SortHeader query={query} sort="expires">
            Expires
          </SortHeader>
          <th className={th}>Status</th>
          <SortHeader query={query} sort="created">
            Created
          </SortHeader>
        </>
      }
    >
      {coupons.map((c) => (
        <tr key={c.id} className="hover:bg-slate-50">
          <td className={td}>
            <Link href={`/admin/coupons/${c.id}`} className="font-mono font-medium text-indigo-700 hover:underline">
              {c.code}
            </Link>
          </td>
          <td className={`${td} tabular-nums`}>{couponOffer(c)}</td>
          <td className={`${td} tabular-nums`}>
            {formatCount(c.redeemedCount)} / {c.maxRedemptions === null ? "∞" : formatCount(c.maxRedemptions)}
          </td>
          <td className={`${td} tabular-nums`}>{c.perUserLimit}</td>
          <td className={`${td} text-xs text-slate-600`}>
            {c.startsAt ? `from ${formatDayAndTime(c.startsAt)}` : "from creation"}
          </td>
          <td className={`${td} text-xs text-slate-600`}>{c.expiresAt ? formatDayAndTime(c.expiresAt) : "never"}</td>
          <td className={td}>
            <CouponStateBadges coupon={c} now={now} />
          </td>
          <td className={`${td} text-xs text-slate-600`}>{formatDayAndTime(c.createdAt)}</td>
        </tr>
      ))}
    </DataTable>
  );
}

export function CouponPagination({
  query,
  page,
  pageCount,
  total,
}: {
  query: CouponListQuery;
  page: number;
  pageCount: number;
  total: number;
}) {
  return (
    <nav aria-label="Pages" className="flex items-center justify-between text-sm text-slate-600">
      <span>
        {plural(total, "coupon")} · page {page} of {pageCount}
      </span>
      <span className="flex gap-2">
        {page > 1 && (
          <Link
            href={queryString(query, { page: page - 1 })}
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50"
          >
            ← Previous
          </Link>
        )}
        {page < pageCount && (
          <Link
            href={queryString(query, { page: page + 1 })}
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50"
          >
            Next →
          </Link>
        )}
      </span>
    </nav>
  );
}
