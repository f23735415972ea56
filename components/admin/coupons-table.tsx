import Link from "next/link";
import type { CouponListQuery, CouponListRow, ListedBatch } from "@/lib/admin/coupons/list";
import { couponConditions, couponOffer } from "@/lib/admin/coupon-offer";
import { COUPON_STATES, COUPON_STATE_LABELS } from "@/lib/coupon-terms";
import { formatCents, formatCount, plural } from "@/lib/format";
import { StoreTime } from "./store-time";
import { CouponStatusBadge } from "./badges";
import { CouponCode } from "./coupon-code";
import { SelectAllCoupons, SelectCoupon } from "./coupon-selection";
import { DataTable, td, th } from "./data-table";

type SortKey = CouponListQuery["sort"];

/** The list's URL with some of its query changed; defaults are left out, so URLs stay short. */
export function couponListHref(
  query: CouponListQuery,
  changes: Partial<Record<keyof CouponListQuery, string | number | undefined>> = {},
  path = "/admin/coupons",
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...query, ...changes })) {
    if (value !== undefined && value !== "" && value !== "all") params.set(key, String(value));
  }
  return `${path}?${params}`;
}

function SortHeader({ query, sort, children }: { query: CouponListQuery; sort: SortKey; children: React.ReactNode }) {
  const active = query.sort === sort;
  const dir = active && query.dir === "desc" ? "asc" : "desc";
  return (
    <th className={th} aria-sort={active ? (query.dir === "asc" ? "ascending" : "descending") : undefined}>
      <Link
        href={couponListHref(query, { sort, dir, page: 1 })}
        className="inline-flex items-center gap-1 hover:text-slate-900"
      >
        {children}
        <span aria-hidden="true">{active ? (query.dir === "asc" ? "▲" : "▼") : "↕"}</span>
      </Link>
    </th>
  );
}

/** How a batch's matching codes are spread over the states, most telling first: "12 active · 3 used up". */
function batchStates(states: ListedBatch["states"]): string {
  return COUPON_STATES.filter((state) => states[state])
    .map((state) => `${formatCount(states[state]!)} ${COUPON_STATE_LABELS[state].toLowerCase()}`)
    .join(" · ");
}

export function CouponsTable({ rows, query, zone }: { rows: CouponListRow[]; query: CouponListQuery; zone: string }) {
  return (
    <DataTable
      label="Coupons"
      testId="coupons-table"
      empty={rows.length === 0 && "No coupons match these filters."}
      head={
        <>
          <th className={th}>
            <SelectAllCoupons />
          </th>
          <SortHeader query={query} sort="code">
            Code
          </SortHeader>
          <SortHeader query={query} sort="status">
            Status
          </SortHeader>
          <SortHeader query={query} sort="value">
            Value
          </SortHeader>
          <SortHeader query={query} sort="redeemed">
            Redeemed / max
          </SortHeader>
          <th className={th}>Per customer</th>
          <SortHeader query={query} sort="expires">
            Expires
          </SortHeader>
          <SortHeader query={query} sort="created">
            Created
          </SortHeader>
        </>
      }
    >
      {rows.map((row) =>
        row.kind === "coupon" ? (
          <tr key={row.coupon.id} className="hover:bg-slate-50" data-testid="coupon-row">
            <td className={td}>
              <SelectCoupon id={row.coupon.id} code={row.coupon.code} />
            </td>
            <td className={td}>
              <CouponCode code={row.coupon.code} href={`/admin/coupons/${row.coupon.id}`} />
            </td>
            <td className={td}>
              <CouponStatusBadge state={row.state} />
            </td>
            <td className={`${td} tabular-nums`}>
              {couponOffer(row.coupon)}
              {/* A discount's minimum, product scope and first-order rule, as its page and the CSV say them. */}
              {row.coupon.kind !== "CREDIT" && (
                <span className="block text-xs text-slate-600" data-testid="coupon-conditions">
                  {couponConditions(row.coupon, row.productCount)}
                </span>
              )}
            </td>
            <td className={`${td} tabular-nums`}>
              {formatCount(row.redeemed)} /{" "}
              {row.coupon.maxRedemptions === null ? "∞" : formatCount(row.coupon.maxRedemptions)}
            </td>
            <td className={`${td} tabular-nums`}>{formatCount(row.coupon.perUserLimit)}</td>
            <td className={`${td} text-xs text-slate-600`}>
              {row.coupon.expiresAt ? <StoreTime date={row.coupon.expiresAt} zone={zone} /> : "never"}
            </td>
            <td className={`${td} text-xs text-slate-600`}>
              <StoreTime date={row.coupon.createdAt} zone={zone} />
            </td>
          </tr>
        ) : (
          <tr key={row.id} className="bg-slate-50/60 hover:bg-slate-50" data-testid="batch-row">
            <td className={td} />
            <td className={td}>
              <Link
                href={couponListHref(query, { batch: row.id, page: 1 })}
                className="text-indigo-700 hover:underline"
              >
                <span className="font-mono font-medium">{row.prefix}-…</span>{" "}
                <span className="text-xs">
                  batch of {formatCount(row.quantity)}
                  {row.matching !== row.quantity && `, ${formatCount(row.matching)} shown`}
                </span>
              </Link>
            </td>
            <td className={`${td} text-xs text-slate-600`}>{batchStates(row.states)}</td>
            <td className={`${td} tabular-nums`}>{formatCents(row.valueCents)} each</td>
            <td className={`${td} tabular-nums`}>
              {formatCount(row.redeemed)} / {formatCount(row.matching)}
            </td>
            <td className={`${td} tabular-nums`}>1</td>
            <td className={`${td} text-xs text-slate-600`}>
              {row.expiresAt ? <StoreTime date={row.expiresAt} zone={zone} /> : "never"}
            </td>
            <td className={`${td} text-xs text-slate-600`}>
              <StoreTime date={row.createdAt} zone={zone} />
            </td>
          </tr>
        ),
      )}
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
        {plural(total, query.batch ? "code" : "row")} · page {formatCount(page)} of {formatCount(pageCount)}
      </span>
      <span className="flex gap-2">
        {page > 1 && (
          <Link
            href={couponListHref(query, { page: page - 1 })}
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50"
          >
            ← Previous
          </Link>
        )}
        {page < pageCount && (
          <Link
            href={couponListHref(query, { page: page + 1 })}
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50"
          >
            Next →
          </Link>
        )}
      </span>
    </nav>
  );
}
