/**
 * The suites that fire bursts from one address and a few users are about exactness, not abuse: their
 * servers run with redeem limits out of reach (playwright.config.ts, e2e/cluster.ts). The suites about
 * the limits start servers with limits of their own (e2e/rate-limits.spec.ts); sign-in keeps its defaults.
 */
export const RELAXED_REDEEM_LIMITS = {
  RATE_LIMIT_REDEEM_CUSTOMER: "1000000/1m",
  RATE_LIMIT_REDEEM_ADDRESS: "1000000/1m",
};
