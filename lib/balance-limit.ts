/**
 * The most a wallet may hold: 10,000,000.00. balance_cents is a 32-bit integer (at most 21,474,836.47),
 * so without a bound a few redemptions of a large coupon overflowed it and failed with a 500.
 * CHECK (balance_cents <= 1000000000) stands behind the guarded credit (lib/ledger.ts). Pure, so the
 * messages customers see (lib/messages.ts, also used by client components) can name it.
 */
export const MAX_BALANCE_CENTS = 1_000_000_000;
