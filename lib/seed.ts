import "server-only";
import type { Db } from "./db/client";
import type { NewCoupon } from "./coupon-terms";
import { createCoupon } from "./coupons";
import { hashPassword } from "./passwords";

/** Demo accounts printed at start-up. Only ever created by the demo seed, never in production. */
export const DEMO_USERS = [
  { email: "admin@once.test", name: "Ada Admin", password: "once-admin-demo", role: "ADMIN" },
  { email: "alice@once.test", name: "Alice Customer", password: "once-alice-demo", role: "CUSTOMER" },
  { email: "bob@once.test", name: "Bob Customer", password: "once-bob-demo", role: "CUSTOMER" },
] as const;

/**
 * Whether `npm start` seeds the demo data: ONCE_SEED_DEMO=1 or 0 decides; unset, only on the embedded
 * database and outside production, since the demo accounts' passwords are published.
 */
export function demoSeedWanted(setting: boolean | undefined, where: { embedded: boolean; production: boolean }) {
  return setting ?? (where.embedded && !where.production);
}

const DAY = 24 * 60 * 60 * 1000;

export function demoCoupons(now = new Date()): NewCoupon[] {
  return [
    {
      code: "WELCOME10",
      description: "Single use: the first customer to redeem it gets 10.00",
      valueCents: 1_000,
      maxRedemptions: 1,
    },
    { code: "SPRING25", description: "Limited to 100 redemptions, 25.00 each", valueCents: 2_500, maxRedemptions: 100 },
    { code: "THANKS5", description: "Unlimited: every customer may redeem it once", valueCents: 500 },
    { code: "LOYAL3X", description: "Each customer may redeem it three times", valueCents: 300, perUserLimit: 3 },
    {
      code: "HALFOFF",
      description: "Discount code: 50% off one order, single use overall",
      kind: "PERCENT_OFF",
      valueCents: 0,
      percentOff: 50,
      maxRedemptions: 1,
    },
    {
      code: "FIVEOFF",
      description: "Discount code: 5.00 off orders of 20.00 or more, once per customer",
      kind: "AMOUNT_OFF",
      valueCents: 500,
      minSubtotalCents: 2_000,
    },
    {
      code: "SUMMER2025",
      description: "Expired at the end of last summer",
      valueCents: 1_500,
      startsAt: new Date(now.getTime() - 200 * DAY),
      expiresAt: new Date(now.getTime() - 100 * DAY),
    },
    {
      code: "NEWYEAR",
      description: "Not valid yet: starts in 30 days",
      valueCents: 2_000,
      startsAt: new Date(now.getTime() + 30 * DAY),
      expiresAt: new Date(now.getTime() + 60 * DAY),
    },
  ];
}

/** The store-credit catalogue; prices are chosen so the demo coupons buy a few of them. */
export const CATALOGUE = [
  {
    sku: "STICKERS",
    name: "Sticker sheet",
    description: "Twelve matte vinyl stickers, dishwasher-proof.",
    priceCents: 300,
  },
  {
    sku: "GIFTWRAP",
    name: "Gift wrapping",
    description: "Recycled paper, cotton ribbon and a handwritten card.",
    priceCents: 450,
  },
  {
    sku: "NOTEBOOK",
    name: "Dot-grid notebook",
    description: "A5, 120 pages of 100 gsm paper that takes fountain pens.",
    priceCents: 800,
  },
  {
    sku: "COFFEE",
    name: "Coffee beans, 250 g",
    description: "Single-origin, roasted this week. Whole beans.",
    priceCents: 1_250,
  },
  {
    sku: "TOTE",
    name: "Canvas tote bag",
    description: "Heavy organic cotton with an inside pocket.",
    priceCents: 1_800,
  },
  {
    sku: "LIMITED-TEE",
    name: "Limited-edition T-shirt",
    description: "Screen-printed organic cotton. Only ten were made.",
    priceCents: 2_000,
    stock: 10,
  },
  {
    sku: "MUG",
    name: "Stoneware mug",
    description: "Hand-glazed, 350 ml, each one slightly different.",
    priceCents: 2_200,
  },
] as const;

/**
 * Idempotent by sku: existing products (and their prices and stock) are left alone. A stock-tracked
 * product gets its INITIAL stock movement with it, so its stock equals the sum of its movements.
 */
export async function seedCatalogue(db: Db): Promise<number> {
  return db.$transaction(async (tx) => {
    const created = await tx.product.createManyAndReturn({
      data: [...CATALOGUE],
      skipDuplicates: true,
      select: { id: true, stock: true },
    });
    const tracked = created.filter((product) => product.stock !== null);
    await tx.stockMovement.createMany({
      data: tracked.map((product) => ({ productId: product.id, kind: "INITIAL" as const, quantity: product.stock! })),
    });
    return created.length;
  });
}

/** Idempotent: creates what is missing and leaves everything that exists (and its history) alone. */
export async function seedDemoData(
  db: Db,
): Promise<{ usersCreated: number; couponsCreated: number; productsCreated: number }> {
  const existing = await db.user.findMany({
    where: { email: { in: DEMO_USERS.map((u) => u.email) } },
    select: { email: true },
  });
  const missing = DEMO_USERS.filter((user) => !existing.some((e) => e.email === user.email));
  // Hashing is deliberately slow, so only missing users are hashed; skipDuplicates covers a concurrent seed.
  const { count: usersCreated } = await db.user.createMany({
    data: await Promise.all(
      missing.map(async (u) => ({
        email: u.email,
        name: u.name,
        role: u.role,
        passwordHash: await hashPassword(u.password),
      })),
    ),
    skipDuplicates: true,
  });
  let couponsCreated = 0;
  for (const coupon of demoCoupons()) {
    const result = await createCoupon(db, coupon);
    if (result.ok) couponsCreated++;
    else if (result.reason !== "duplicate_code")
      throw new Error(`Demo coupon ${coupon.code} is invalid: ${JSON.stringify(result)}`);
  }
  const productsCreated = await seedCatalogue(db);
  return { usersCreated, couponsCreated, productsCreated };
}
