import Link from "next/link";
import { notFound } from "next/navigation";
import { Callout } from "@/components/callout";
import { ActionButton } from "@/components/admin/action-button";
import { AuditLogList } from "@/components/admin/audit-log-list";
import { CouponStatusBadge } from "@/components/admin/badges";
import { BarChart } from "@/components/admin/bar-chart";
import { CouponForm } from "@/components/admin/coupon-form";
import { DataTable, td, th } from "@/components/admin/data-table";
import { RedemptionsTable } from "@/components/admin/redemptions-table";
import { StatCard } from "@/components/admin/stat-card";
import {
  changeCouponsAction,
  revokeRedemptionAction,
  setCouponStatusAction,
  updateCouponAction,
} from "@/app/admin/actions";
import { couponState } from "@/lib/coupon-terms";
import { OrdersTable } from "@/components/admin/orders-table";
import { couponFormValues } from "@/lib/admin/coupon-form";
import { couponConditions, couponOffer } from "@/lib/admin/coupon-offer";
import { listAdminProducts } from "@/lib/admin/products";
import { getCouponDetail } from "@/lib/admin/coupons/detail";
import { refusalLabel } from "@/lib/refusals";
import { requireAdminPage } from "@/lib/web/page-guard";
import { getDb } from "@/lib/db/client";
import { formatCount, formatDayAndTimeIn, plural } from "@/lib/format";
import { getStoreTimeZone } from "@/lib/store-settings";

export const dynamic = "force-dynamic";

export default async function CouponDetailPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { id } = await params;
  await requireAdminPage();
  const [detail, catalogue, { created }, zone] = await Promise.all([
    getCouponDetail(getDb(), id),
    listAdminProducts(getDb()),
    searchParams,
    getStoreTimeZone(getDb()),
  ]);
  if (!detail) notFound();
  const { coupon, redeemed, activity, latestRedemptions, latestOrders, products, changes } = detail;
  const discount = coupon.kind !== "CREDIT";
  const now = new Date();
  const remaining = coupon.maxRedemptions === null ? "unlimited" : formatCount(coupon.maxRedemptions - redeemed);
  const counting = coupon.counterMode === "SLOTS" ? "high-traffic mode" : "normal traffic";

  return (
    <div className="space-y-8">
      {created && (
        <Callout tone="success" testId="coupon-created">
          Created {coupon.code}.{" "}
          {discount
            ? "Customers can use it at checkout as soon as its window opens."
            : "Customers can redeem it as soon as its window opens."}
        </Callout>
      )}
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <p className="text-sm text-slate-500">
            <Link href="/admin/coupons" className="hover:underline">
              Coupons
            </Link>{" "}
            /
          </p>
          <h1 className="font-mono text-3xl font-semibold tracking-tight break-all" data-testid="coupon-code">
            {coupon.code}
          </h1>
          <div className="mt-2 flex flex-wrap items-center gap-2 text-sm text-slate-600">
            <CouponStatusBadge state={couponState(coupon, redeemed, now)} />
            {coupon.description && <span>{coupon.description}</span>}
            {coupon.batch && (
              <Link href={`/admin/coupons?batch=${coupon.batch.id}`} className="text-indigo-700 hover:underline">
                batch {coupon.batch.prefix}
              </Link>
            )}
          </div>
        </div>
        <div className="flex flex-wrap items-start gap-2">
          <Link
            href={`/admin/coupons/new?from=${coupon.id}`}
            className="rounded-md border border-slate-300 bg-white px-2.5 py-1 text-xs font-semibold text-slate-800 hover:bg-slate-50"
            data-testid="coupon-duplicate"
          >
            Duplicate
          </Link>
          {!coupon.archivedAt && (
            <ActionButton
              action={setCouponStatusAction}
              fields={{ couponId: coupon.id, status: coupon.status === "ACTIVE" ? "DISABLED" : "ACTIVE" }}
              undo={{ couponId: coupon.id, status: coupon.status }}
              confirm={
                coupon.status === "ACTIVE"
                  ? {
                      title: `Disable ${coupon.code}?`,
                      body:
                        `1 code stops redeeming: customers who try ${coupon.code} are told it is disabled. ` +
                        `The ${plural(redeemed, "redemption")} already made ${redeemed === 1 ? "keeps its" : "keep their"} credit. You can enable it again.`,
                      confirmLabel: "Disable coupon",
                    }
                  : undefined
              }
              label={coupon.status === "ACTIVE" ? "Disable coupon" : "Enable coupon"}
              pendingLabel="Saving…"
              tone={coupon.status === "ACTIVE" ? "danger" : "neutral"}
              testId="coupon-status-toggle"
            />
          )}
          <ActionButton
            action={changeCouponsAction}
            fields={{ couponIds: coupon.id, change: coupon.archivedAt ? "restore" : "archive" }}
            label={coupon.archivedAt ? "Restore to the list" : "Archive"}
            pendingLabel="Saving…"
            testId="coupon-archive-toggle"
            confirm={
              coupon.archivedAt
                ? undefined
                : {
                    title: `Archive ${coupon.code}?`,
                    body: "It is disabled and hidden from the coupon list; its redemptions and history are kept, and you can restore it later (still disabled).",
                    confirmLabel: "Archive",
                  }
            }
          />
        </div>
      </div>

      <section aria-label="Limits" className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <StatCard
          label={discount ? "Discount" : "Value"}
          value={couponOffer(coupon)}
          detail={
            discount
              ? `${couponConditions(coupon, products.length)}${products.length ? `: ${products.map((p) => p.sku).join(", ")}` : ""}`
              : "store credit per redemption"
          }
          testId="coupon-offer"
        />
        <StatCard
          label="Redeemed / max"
          value={`${formatCount(redeemed)} / ${coupon.maxRedemptions === null ? "∞" : formatCount(coupon.maxRedemptions)}`}
          detail={`${remaining} remaining · ${counting}`}
          testId="coupon-redeemed"
        />
        <StatCard label="Per customer" value={String(coupon.perUserLimit)} />
        <StatCard
          label="Window"
          value={coupon.expiresAt ? `until ${formatDayAndTimeIn(coupon.expiresAt, zone)}` : "no expiry"}
          detail={coupon.startsAt ? `from ${formatDayAndTimeIn(coupon.startsAt, zone)}` : "valid since creation"}
        />
      </section>

      <div className="grid grid-cols-1 gap-8 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <BarChart data={activity.daily} label="Redemptions per day, last 30 days" noun="redemption" zone={zone} />
        <section aria-labelledby="refusals" className="space-y-3">
          <h2 id="refusals" className="text-lg font-semibold">
            Refusals by reason
          </h2>
          <DataTable
            label="Refusals by reason"
            empty={activity.refusals.length === 0 && "No refused attempts for this code."}
            head={
              <>
                <th className={th}>Reason</th>
                <th className={th}>Attempts</th>
              </>
            }
          >
            {activity.refusals.map((r) => (
              <tr key={r.reason}>
                <td className={td}>{refusalLabel(r.reason)}</td>
                <td className={`${td} tabular-nums`}>{formatCount(r.count)}</td>
              </tr>
            ))}
          </DataTable>
        </section>
      </div>

      {discount ? (
        <section aria-labelledby="orders" className="space-y-3">
          <div className="flex flex-wrap items-baseline justify-between gap-x-4">
            <h2 id="orders" className="text-lg font-semibold">
              Latest orders with {coupon.code}
            </h2>
            <Link
              href={`/admin/orders?code=${encodeURIComponent(coupon.code)}`}
              className="text-sm break-all text-indigo-700 hover:underline"
            >
              All orders with {coupon.code} →
            </Link>
          </div>
          <OrdersTable rows={latestOrders} zone={zone} showCoupon={false} />
        </section>
      ) : (
        <section aria-labelledby="recent" className="space-y-3">
          <div className="flex flex-wrap items-baseline justify-between gap-x-4">
            <h2 id="recent" className="text-lg font-semibold">
              Latest redemptions
            </h2>
            <Link
              href={`/admin/redemptions?code=${encodeURIComponent(coupon.code)}`}
              className="text-sm break-all text-indigo-700 hover:underline"
            >
              All redemptions of {coupon.code} →
            </Link>
          </div>
          <RedemptionsTable rows={latestRedemptions} zone={zone} showCoupon={false} revoke={revokeRedemptionAction} />
        </section>
      )}

      <div className="grid grid-cols-1 gap-8 lg:grid-cols-2">
        <section aria-labelledby="edit" className="space-y-3">
          <h2 id="edit" className="text-lg font-semibold">
            Edit terms
          </h2>
          <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
            <CouponForm
              mode="edit"
              products={catalogue.map(({ id, sku, name }) => ({ id, sku, name }))}
              action={updateCouponAction}
              couponId={coupon.id}
              redeemedCount={redeemed}
              savedValueCents={coupon.valueCents}
              zone={zone}
              initialState={{
                values: couponFormValues(
                  coupon,
                  products.map((p) => p.id),
                  zone,
                ),
                result: null,
              }}
            />
          </div>
        </section>
        <section aria-labelledby="history" className="space-y-3">
          <h2 id="history" className="text-lg font-semibold">
            Changes
          </h2>
          <AuditLogList entries={changes} zone={zone} />
        </section>
      </div>
    </div>
  );
}
