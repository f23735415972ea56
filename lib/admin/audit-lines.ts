import { formatCents, formatCount, formatDayAndTimeIn, plural } from "@/lib/format";

/**
 * An admin-log entry's recorded before/after values as lines an admin reads ("Limit: 100 → 200",
 * "Value: $5.00 → $10.00", "Ends: — → 1 Dec 2026, 00:00 Europe/Berlin") instead of raw JSON. Pure: the log stores
 * JSON (dates as ISO text), and this maps each field it knows to its label and format.
 */

export interface AuditLine {
  label: string;
  before: string;
  after: string;
}

const LABELS: Record<string, string> = {
  code: "Code",
  couponCode: "Coupon",
  status: "Status",
  counterMode: "Counting",
  description: "Description",
  kind: "Kind",
  valueCents: "Value",
  percentOff: "Percent off",
  maxDiscountCents: "Discount cap",
  minSubtotalCents: "Minimum order",
  maxRedemptions: "Limit",
  perUserLimit: "Per customer",
  startsAt: "Starts",
  expiresAt: "Ends",
  noRedeemAfterRevoke: "Redeem again after a revoke",
  productIds: "Products",
  archivedAt: "Archived",
  balanceCents: "Balance",
  amountCents: "Amount",
  priceCents: "Price",
  revokedAt: "Revoked",
  userId: "Customer",
  stock: "Stock",
  disabled: "Account disabled",
  prefix: "Prefix",
  quantity: "Codes",
  affected: "Codes changed",
  sku: "SKU",
  name: "Name",
};

/** Enum values in the admin's words. */
const WORDS: Record<string, string> = {
  ACTIVE: "Active",
  DISABLED: "Disabled",
  REVOKED: "Revoked",
  PLACED: "Placed",
  CANCELLED: "Cancelled",
  FULFILLED: "Fulfilled",
  CREDIT: "Store credit",
  PERCENT_OFF: "Percent off",
  AMOUNT_OFF: "Amount off",
  SINGLE_ROW: "One counter",
  SLOTS: "Spread counters (busy code)",
};

const NONE = "—";

/** "someField" → "Some field", for a field this module does not know yet. */
function labelOf(key: string): string {
  if (LABELS[key]) return LABELS[key];
  const words = key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function valueOf(key: string, value: unknown, zone: string): string {
  if (value === null || value === undefined || value === "") return NONE;
  if (key === "noRedeemAfterRevoke" && typeof value === "boolean") return value ? "No" : "Yes";
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (typeof value === "number") {
    if (key.endsWith("Cents")) return formatCents(value);
    if (key === "percentOff") return `${formatCount(value)}%`;
    return formatCount(value);
  }
  if (typeof value === "string") {
    if (key.endsWith("At")) {
      const date = new Date(value);
      return Number.isNaN(date.getTime()) ? value : formatDayAndTimeIn(date, zone);
    }
    return WORDS[value] ?? value;
  }
  if (Array.isArray(value)) {
    if (key === "productIds") return value.length === 0 ? "Every product" : plural(value.length, "product");
    return value.map((item) => valueOf("", item, zone)).join(", ");
  }
  return JSON.stringify(value);
}

const asRecord = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/**
 * One line per recorded field that changed (or, for an entry with only an "after", per field set), in
 * the order the entry recorded them. A field that reads the same on both sides (unchanged, or unset on
 * a creation) is left out. Dates among the values are shown in `zone`.
 */
export function auditLines(before: unknown, after: unknown, zone: string): AuditLine[] {
  const old = asRecord(before);
  const now = asRecord(after);
  // With both sides recorded, a field only in "before" is context (a revocation's coupon and customer),
  // already named by the summary, not a change.
  const keys = Object.keys(after == null ? old : now);
  return keys.flatMap((key) => {
    const line = { label: labelOf(key), before: valueOf(key, old[key], zone), after: valueOf(key, now[key], zone) };
    const unchanged = JSON.stringify(old[key] ?? null) === JSON.stringify(now[key] ?? null);
    if (unchanged || (line.before === NONE && line.after === NONE)) return [];
    // A change that reads the same (one product list for another of its length) is still a change.
    return [line.before === line.after ? { ...line, after: `${line.after} (changed)` } : line];
  });
}

/** "Limit: 100 → 200" */
export function auditLineText(line: AuditLine): string {
  return `${line.label}: ${line.before} → ${line.after}`;
}
