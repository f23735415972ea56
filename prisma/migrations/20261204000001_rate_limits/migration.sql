-- Rate-limit counters shared by every app instance (lib/rate-limits.ts, rate-limiter-flexible's
-- PostgreSQL store). The columns are the ones the library reads and writes; it is told the table
-- exists, so it never runs DDL at request time. One row per key ("<policy>:<subject>"): `points`
-- consumed in the window that ends at `expire` (milliseconds since the epoch; NULL = no expiry).

-- CreateTable
CREATE TABLE "rate_limits" (
    "key" TEXT NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT,

    CONSTRAINT "rate_limits_pkey" PRIMARY KEY ("key")
);

-- The library's periodic clean-up deletes rows whose window ended over an hour ago.
-- CreateIndex
CREATE INDEX "rate_limits_expire_idx" ON "rate_limits"("expire");
