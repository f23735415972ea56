import "server-only";
import { z } from "zod";
import { type Coupon, Prisma } from "@/lib/generated/prisma/client";
import { COUPON_STATES, type CouponState, type newCouponSchema } from "@/lib/coupon-terms";
import { couponConditions, couponOffer } from "@/lib/admin/coupon-offer";
import type { Db } from "@/lib/db/client";
import { formatDecimalCents } from "@/lib/format";
import { parseIgnoringInvalid, storableText } from "@/lib/input-rules";
import { type ExportFilters, exportFilters } from "../filters";
import type { CsvCell, CsvSource } from "../csv";

/**
 * The admin's coupon list: one state per coupon (lib/coupon-terms.ts), filtered, sorted and paged in SQL,
 * and a batch's codes grouped into one row unless the list is showing that batch. The query string is
 * parsed here, once, for the page and its CSV export alike.
 */

/** The status filter: one state, or "all" (every state but Archived: archived coupons are hidden by default). */
export const STATUS_FILTERS = ["all", ...COUPON_STATES.map((s) => s.toLowerCase() as Lowercase<CouponState>)] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export const COUPON_SORTS = ["created", "code", "value", "redeemed", "expires", "status"] as const;

/** Strict: the export refuses a wrong filter (lib/admin/filters.ts); the page ignores it (couponListQuery). */
export const couponListQuerySchema = z.object({
  q: storableText().trim().max(64).default(""),
  status: z.preprocess((v) => (typeof v === "string" ? v.toLowerCase() : v), z.enum(STATUS_FILTERS)).default("all"),
  batch: z.uuid().optional(),
  sort: z.enum(COUPON_SORTS).default("created"),
  dir: z.enum(["asc", "desc"]).default("desc"),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});

/** For the page: a filter that fails its rule is ignored. */
export function couponListQuery(params: Record<string, unknown>): CouponListQuery {
  return parseIgnoringInvalid(couponListQuerySchema, params);
}

/** For the export: the filters, or which one is wrong, decided before anything is streamed. */
export function couponExportFilters(params: URLSearchParams): ExportFilters<CouponListQuery> {
  return exportFilters(couponListQuerySchema.safeParse(Object.fromEntries(params)));
}

export type CouponListQuery = z.infer<typeof couponListQuerySchema>;

export const COUPONS_PER_PAGE = 25;

/** A coupon as the list shows it: its total uses (row and slots) and its one state. */
export interface ListedCoupon {
  kind: "coupon";
  coupon: Coupon;
  redeemed: number;
  state: CouponState;
  /** Products a discount code is limited to (0: every product). */
  productCount: number;
}

/** A batch's codes that match the filters, as one row. */
export interface ListedBatch {
  kind: "batch";
  id: string;
  prefix: string;
  createdAt: Date;
  valueCents: number;
  /** Codes of the batch that match the filters, and all of its codes. */
  matching: number;
  quantity: number;
  redeemed: number;
  expiresAt: Date | null;
  /** How many of the matching codes are in each state. */
  states: Partial<Record<CouponState, number>>;
}

export type CouponListRow = ListedCoupon | ListedBatch;

export interface CouponListPage {
  rows: CouponListRow[];
  /** Rows (coupons and batches) across all pages. */
  total: number;
  page: number;
  pageCount: number;
}

/**
 * Each state's condition in SQL, over `c` (the coupon) and `redeemed` (its uses wherever counted). They
 * are tried in COUPON_STATES' order, exactly as couponState() tries them, so a coupon whose expiry has
 * passed and whose uses are spent is Expired in both; test/admin-coupons.test.ts holds the two to agreement.
 */
function stateConditions(now: Date): Record<CouponState, Prisma.Sql> {
  return {
    ARCHIVED: Prisma.sql`c.archived_at IS NOT NULL`,
    DISABLED: Prisma.sql`c.status = 'DISABLED'`,
    EXPIRED: Prisma.sql`c.expires_at <= ${now}`,
    USED_UP: Prisma.sql`c.max_redemptions IS NOT NULL AND r.redeemed >= c.max_redemptions`,
    SCHEDULED: Prisma.sql`c.starts_at > ${now}`,
    ACTIVE: Prisma.sql`TRUE`,
  };
}

function stateCase(now: Date): Prisma.Sql {
  const conditions = stateConditions(now);
  const branches = COUPON_STATES.map((state) => Prisma.sql`WHEN ${conditions[state]} THEN ${state}`);
  return Prisma.sql`CASE ${Prisma.join(branches, " ")} END`;
}

/**
 * Every coupon matching the filters, with `redeemed` (uses on its row plus its hot-coupon slots) and
 * `state`. Written in SQL because both are computed per row, which Prisma's where and orderBy cannot express.
 */
function listedCoupons(
  query: Pick<CouponListQuery, "q" | "batch"> & { status: StatusFilter | "any" },
  now: Date,
): Prisma.Sql {
  const where: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (query.q) {
    const pattern = `%${query.q.replace(/[\\%_]/g, "\\$&")}%`;
    where.push(Prisma.sql`(c.code ILIKE ${pattern} OR c.description ILIKE ${pattern})`);
  }
  if (query.batch) where.push(Prisma.sql`c.batch_id = ${query.batch}::uuid`);
  if (query.status === "all") where.push(Prisma.sql`s.state <> 'ARCHIVED'`);
  else if (query.status !== "any") where.push(Prisma.sql`s.state = ${query.status.toUpperCase()}`);
  return Prisma.sql`
    SELECT c.id, c.batch_id, c.code, c.value_cents, c.expires_at, c.created_at, r.redeemed, s.state,
           -- Sorting by status runs Active, Scheduled, Used up, Expired, Disabled, Archived (ascending).
           ${COUPON_STATES.length + 1} - array_position(${[...COUPON_STATES]}::text[], s.state) AS status_order
    FROM coupons c
    CROSS JOIN LATERAL (
      SELECT c.redeemed_count + COALESCE((SELECT sum(cs.used) FROM coupon_counter_slots cs WHERE cs.coupon_id = c.id), 0)::int AS redeemed
    ) r
    CROSS JOIN LATERAL (SELECT ${stateCase(now)} AS state) s
    WHERE ${Prisma.join(where, " AND ")}`;
}

const SORT_COLUMNS = {
  created: Prisma.sql`created_at`,
  code: Prisma.sql`label`,
  value: Prisma.sql`value_cents`,
  redeemed: Prisma.sql`redeemed`,
  expires: Prisma.sql`expires_at`,
  status: Prisma.sql`status_order`,
} as const;

interface RowKey {
  kind: "coupon" | "batch";
  id: string;
  matching: number;
  redeemed: number;
  expiresAt: Date | null;
  state: CouponState | null;
}

/**
 * One page of the list. Unless it shows one batch, a batch's matching codes are one row: its prefix,
 * its value, the sum of their uses, the latest expiry and the state most of them are in, for sorting.
 */
export async function listCoupons(db: Db, query: CouponListQuery, now = new Date()): Promise<CouponListPage> {
  const listed = listedCoupons(query, now);
  const rows = query.batch
    ? Prisma.sql`
        SELECT 'coupon' AS kind, id, code AS label, value_cents, redeemed, expires_at, created_at, status_order, state, 1 AS matching
        FROM listed`
    : Prisma.sql`
        SELECT 'coupon' AS kind, id, code AS label, value_cents, redeemed, expires_at, created_at, status_order, state, 1 AS matching
        FROM listed WHERE batch_id IS NULL
        UNION ALL
        SELECT 'batch', b.id, b.prefix, b.value_cents, sum(l.redeemed)::int, max(l.expires_at), b.created_at,
               mode() WITHIN GROUP (ORDER BY l.status_order), NULL, count(*)::int
        FROM listed l JOIN coupon_batches b ON b.id = l.batch_id
        GROUP BY b.id`;
  const [{ total }] = await db.$queryRaw<[{ total: number }]>`
    WITH listed AS (${listed}), list_rows AS (${rows}) SELECT count(*)::int AS total FROM list_rows`;
  const pageCount = Math.max(1, Math.ceil(total / COUPONS_PER_PAGE));
  const page = Math.min(query.page, pageCount);
  const dir = query.dir === "asc" ? Prisma.sql`ASC` : Prisma.sql`DESC`;
  // The id breaks ties, so a page boundary never shows a row twice or skips one. Only the expiry can be
  // empty; "never expires" sorts after every date either way.
  const keys = await db.$queryRaw<RowKey[]>`
    WITH listed AS (${listed}), list_rows AS (${rows})
    SELECT kind, id, matching, redeemed, expires_at AS "expiresAt", state FROM list_rows
    ORDER BY ${SORT_COLUMNS[query.sort]} ${dir} NULLS LAST, id ${dir}
    LIMIT ${COUPONS_PER_PAGE} OFFSET ${(page - 1) * COUPONS_PER_PAGE}`;
  return { rows: await rowsFor(db, keys, listed), total, page, pageCount };
}

/** The page's coupons and batches in full, in the page's order. */
async function rowsFor(db: Db, keys: RowKey[], listed: Prisma.Sql): Promise<CouponListRow[]> {
  const couponIds = keys.filter((k) => k.kind === "coupon").map((k) => k.id);
  const batchIds = keys.filter((k) => k.kind === "batch").map((k) => k.id);
  const [coupons, batches, stateCounts] = await Promise.all([
    db.coupon.findMany({ where: { id: { in: couponIds } }, include: { _count: { select: { products: true } } } }),
    db.couponBatch.findMany({ where: { id: { in: batchIds } } }),
    batchIds.length === 0
      ? []
      : db.$queryRaw<{ batchId: string; state: CouponState; n: number }[]>`
          WITH listed AS (${listed})
          SELECT batch_id AS "batchId", state, count(*)::int AS n FROM listed
          WHERE batch_id = ANY(${batchIds}::uuid[]) GROUP BY batch_id, state`,
  ]);
  const couponById = new Map(coupons.map((c) => [c.id, c]));
  const batchById = new Map(batches.map((b) => [b.id, b]));
  return keys.flatMap((key): CouponListRow[] => {
    if (key.kind === "coupon") {
      const found = couponById.get(key.id);
      if (!found) return [];
      const { _count, ...coupon } = found;
      return [{ kind: "coupon", coupon, redeemed: key.redeemed, state: key.state!, productCount: _count.products }];
    }
    const batch = batchById.get(key.id);
    if (!batch) return [];
    const states = Object.fromEntries(stateCounts.filter((s) => s.batchId === key.id).map((s) => [s.state, s.n]));
    return [
      {
        kind: "batch",
        id: batch.id,
        prefix: batch.prefix,
        createdAt: batch.createdAt,
        valueCents: batch.valueCents,
        matching: key.matching,
        quantity: batch.quantity,
        redeemed: key.redeemed,
        expiresAt: key.expiresAt,
        states,
      },
    ];
  });
}

// ---------------------------------------------------------------------------------------------
// One batch

export interface BatchOverview {
  id: string;
  prefix: string;
  quantity: number;
  valueCents: number;
  createdAt: Date;
  createdBy: { id: string; email: string };
  redeemed: number;
  /** How many of its codes are in each state, archived ones included. */
  states: Partial<Record<CouponState, number>>;
}

/** What the list shows above a batch's codes; null when no batch has this id. */
export async function batchOverview(db: Db, batchId: string, now = new Date()): Promise<BatchOverview | null> {
  const batch = await db.couponBatch.findUnique({
    where: { id: batchId },
    include: { createdBy: { select: { id: true, email: true } } },
  });
  if (!batch) return null;
  const counts = await db.$queryRaw<{ state: CouponState; n: number; redeemed: number }[]>`
    WITH listed AS (${listedCoupons({ q: "", batch: batchId, status: "any" }, now)})
    SELECT state, count(*)::int AS n, sum(redeemed)::int AS redeemed FROM listed GROUP BY state`;
  return {
    id: batch.id,
    prefix: batch.prefix,
    quantity: batch.quantity,
    valueCents: batch.valueCents,
    createdAt: batch.createdAt,
    createdBy: batch.createdBy,
    redeemed: counts.reduce((sum, c) => sum + c.redeemed, 0),
    states: Object.fromEntries(counts.map((c) => [c.state, c.n])),
  };
}

// ---------------------------------------------------------------------------------------------
// CSV

export const COUPON_EXPORT_PAGE_SIZE = 2_000;

/** A coupon as the export has it: its row (every term), its uses, its one state, its batch and the skus it applies to. */
export interface ExportedCoupon {
  coupon: Coupon;
  redeemed: number;
  state: CouponState;
  batchPrefix: string | null;
  /** The skus of the products a discount applies to, in order; none = every product. */
  skus: string[];
}

/** Every term an admin sets on a coupon, besides its code (newCouponSchema in lib/coupon-terms.ts). */
type CouponTerm = Exclude<keyof z.input<typeof newCouponSchema>, "code">;

type CsvColumn = readonly [header: string, cell: (row: ExportedCoupon) => CsvCell];

const money = (cents: number | null) => (cents === null ? "" : formatDecimalCents(cents));
const when = (date: Date | null) => date?.toISOString() ?? "";
const yesNo = (value: boolean) => (value ? "true" : "false");

/**
 * The export's columns of each term, keyed by the terms' one definition: a term added there does not
 * compile until it has its columns here, so the CSV carries every term. Written in the CSV's order.
 */
const TERM_COLUMNS: { readonly [Term in CouponTerm]: readonly CsvColumn[] } = {
  /** The one state (lib/coupon-terms.ts couponState), which the status (enabled or disabled) is part of. */
  status: [["status", (r) => r.state]],
  kind: [["kind", (r) => r.coupon.kind]],
  /** The credit or the amount off; a percent-off code has none (its percent is the next column). */
  valueCents: [["value", (r) => (r.coupon.kind === "PERCENT_OFF" ? "" : money(r.coupon.valueCents))]],
  percentOff: [["percent_off", (r) => r.coupon.percentOff ?? ""]],
  maxDiscountCents: [["max_discount", (r) => money(r.coupon.maxDiscountCents)]],
  minSubtotalCents: [["min_subtotal", (r) => money(r.coupon.minSubtotalCents)]],
  /** Space-separated skus (a sku has no spaces); empty: every product. */
  productIds: [["product_skus", (r) => r.skus.join(" ")]],
  firstOrderOnly: [["first_order_only", (r) => yesNo(r.coupon.firstOrderOnly)]],
  maxRedemptions: [["max_redemptions", (r) => r.coupon.maxRedemptions ?? ""]],
  perUserLimit: [["per_customer", (r) => r.coupon.perUserLimit]],
  startsAt: [["starts_at_utc", (r) => when(r.coupon.startsAt)]],
  expiresAt: [["expires_at_utc", (r) => when(r.coupon.expiresAt)]],
  noRedeemAfterRevoke: [["no_redeem_after_revoke", (r) => yesNo(r.coupon.noRedeemAfterRevoke)]],
  /** Where its uses are counted, as decided (an AUTO choice is stored as the mode it chose). */
  counter: [["counter_mode", (r) => r.coupon.counterMode]],
  description: [["description", (r) => r.coupon.description]],
};

const COUPON_COLUMNS: readonly CsvColumn[] = [
  ["code", (r) => r.coupon.code],
  ...Object.values(TERM_COLUMNS).flat(),
  /** The terms in the admin's words, as the list and the coupon's page say them (lib/admin/coupon-offer.ts). */
  ["offer", (r) => couponOffer(r.coupon)],
  ["conditions", (r) => couponConditions(r.coupon, r.skus.length)],
  ["redeemed", (r) => r.redeemed],
  ["created_at_utc", (r) => r.coupon.createdAt.toISOString()],
  ["batch", (r) => r.batchPrefix ?? ""],
];

type ExportCursor = { createdAt: Date; id: string };

interface ExportKey {
  id: string;
  createdAt: Date;
  redeemed: number;
  state: CouponState;
  batchPrefix: string | null;
  skus: string[];
}

/**
 * Every coupon the list's filters match, one line per code (a batch's codes included, never grouped),
 * newest first, streamed in keyset pages on (created_at, id), with every term (TERM_COLUMNS).
 */
export function couponsCsv(db: Db, query: CouponListQuery, now = new Date()): CsvSource<ExportedCoupon, ExportCursor> {
  const listed = listedCoupons(query, now);
  return {
    header: COUPON_COLUMNS.map(([header]) => header),
    async page(after) {
      const keys = await db.$queryRaw<ExportKey[]>`
        WITH listed AS (${listed})
        SELECT l.id, l.created_at AS "createdAt", l.redeemed, l.state, b.prefix AS "batchPrefix",
               ARRAY(SELECT p.sku FROM coupon_products cp JOIN products p ON p.id = cp.product_id
                     WHERE cp.coupon_id = l.id ORDER BY p.sku) AS skus
        FROM listed l LEFT JOIN coupon_batches b ON b.id = l.batch_id
        ${after ? Prisma.sql`WHERE (l.created_at, l.id) < (${after.createdAt}, ${after.id}::uuid)` : Prisma.empty}
        ORDER BY l.created_at DESC, l.id DESC
        LIMIT ${COUPON_EXPORT_PAGE_SIZE}`;
      const coupons = new Map(
        (await db.coupon.findMany({ where: { id: { in: keys.map((k) => k.id) } } })).map((c) => [c.id, c]),
      );
      const rows = keys.flatMap(({ id, redeemed, state, batchPrefix, skus }): ExportedCoupon[] => {
        const coupon = coupons.get(id);
        return coupon ? [{ coupon, redeemed, state, batchPrefix, skus }] : [];
      });
      const last = keys.at(-1);
      return {
        rows,
        next: keys.length === COUPON_EXPORT_PAGE_SIZE && last ? { createdAt: last.createdAt, id: last.id } : null,
      };
    },
    cells: (row) => COUPON_COLUMNS.map(([, cell]) => cell(row)),
  };
}
