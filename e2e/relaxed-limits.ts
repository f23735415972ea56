/**
 * The suites that fire bursts from one address and many users are about exactness, not abuse: their
 * servers (playwright.config.ts, e2e/cluster.ts) run with the redeem limits and the per-address
 * sign-in and sign-up limits out of reach (the race tool signs up and signs in its users from one
 * address, and its first sign-in of each new user is a failure). The
 * per-account sign-in limits keep their defaults; e2e/rate-limits.spec.ts starts servers with limits
 * of its own.
 */
export const RELAXED_LIMITS = {
  RATE_LIMIT_REDEEM_CUSTOMER: "1000000/1m",
  RATE_LIMIT_REDEEM_ADDRESS: "1000000/1m",
  RATE_LIMIT_SIGN_IN_ADDRESS: "1000000/1m",
  RATE_LIMIT_SIGN_UP_ADDRESS: "1000000/1m",
};
