import type { CustomerRow } from "@/lib/admin/customers/list";
import { formatCents, formatCount } from "@/lib/format";
import { Badge } from "./badges";
import { CustomerLink } from "./customer-link";
import { DataTable, td, th } from "./data-table";
import { StoreTime } from "./store-time";

/** Customers with their balance, orders and last activity, each linked to their page; times in the store's zone. */
export function CustomersTable({ rows, zone }: { rows: CustomerRow[]; zone: string }) {
  return (
    <DataTable
      label="Customers"
      testId="customers-table"
      stacked
      empty={rows.length === 0 && "No customers match."}
      head={
        <>
          <th className={th}>Email</th>
          <th className={th}>Name</th>
          <th className={th}>Balance</th>
          <th className={th}>Orders</th>
          <th className={th}>Last activity</th>
          <th className={th}>Joined</th>
        </>
      }
    >
      {rows.map((c) => (
        <tr key={c.id} data-customer-id={c.id}>
          <td className={`${td} whitespace-normal`} data-label="Email">
            <span className="flex flex-wrap items-center gap-2">
              <CustomerLink userId={c.id} email={c.email} />
              {c.disabled && <Badge tone="grey">Disabled</Badge>}
            </span>
          </td>
          <td className={td} data-label="Name">
            {c.name}
          </td>
          <td className={`${td} tabular-nums`} data-label="Balance" data-key>
            {formatCents(c.balanceCents)}
          </td>
          <td className={`${td} tabular-nums`} data-label="Orders" data-key>
            {formatCount(c.orders)}
            {c.orders > 0 && <span className="text-slate-500"> ({formatCount(c.liveOrders)} live)</span>}
          </td>
          <td className={`${td} text-xs text-slate-600`} data-label="Last activity">
            <StoreTime date={c.lastActivityAt} zone={zone} />
          </td>
          <td className={`${td} text-xs text-slate-600`} data-label="Joined">
            <StoreTime date={c.createdAt} zone={zone} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
