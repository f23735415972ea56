-- One idempotency table for every command (lib/idempotency.ts): redeem today, orders tomorrow. A key is
-- unique per (user, scope): the primary key is the claim, so two requests with one key can never both do
-- the work, whatever the application reads. The row stores what a replay needs: the fingerprint of the
-- request the key was first used for (another request with the same key is refused, not replayed), the
-- outcome, and either the refusal's reason (and detail) or the id of the result it produced.
-- redemption_requests becomes the 'redeem' scope of this table; every row is kept.

-- CreateEnum
CREATE TYPE "IdempotencyOutcome" AS ENUM ('SUCCEEDED', 'REFUSED');

-- CreateTable
CREATE TABLE "idempotency_keys" (
    "user_id" UUID NOT NULL,
    "scope" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "outcome" "IdempotencyOutcome" NOT NULL,
    "reason" TEXT,
    "detail" JSONB,
    "result_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("user_id", "scope", "idempotency_key"),
    CONSTRAINT "idempotency_keys_scope_format" CHECK ("scope" ~ '^[a-z][a-z_]{0,31}$'),
    CONSTRAINT "idempotency_keys_fingerprint_sha256" CHECK ("fingerprint" ~ '^[0-9a-f]{64}$'),
    -- A refusal has its reason and no result; a success has its result and no reason.
    CONSTRAINT "idempotency_keys_answer_matches_outcome" CHECK (
        ("outcome" = 'REFUSED' AND "reason" IS NOT NULL AND "result_id" IS NULL)
        OR ("outcome" = 'SUCCEEDED' AND "reason" IS NULL AND "detail" IS NULL AND "result_id" IS NOT NULL)
    )
);

-- AddForeignKey
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The redeem request's fingerprint is sha256 of its canonical JSON, {"code":"<normalised code>"}, exactly
-- as lib/idempotency.ts fingerprint() computes it; a redeemed request's result is its redemption.
INSERT INTO "idempotency_keys" ("user_id", "scope", "idempotency_key", "fingerprint", "outcome", "reason", "result_id", "created_at")
SELECT q."user_id", 'redeem', q."idempotency_key",
       encode(sha256(convert_to('{"code":' || to_json(q."code")::text || '}', 'UTF8')), 'hex'),
       CASE q."outcome" WHEN 'REDEEMED' THEN 'SUCCEEDED' ELSE 'REFUSED' END::"IdempotencyOutcome",
       q."reason", CASE q."outcome" WHEN 'REDEEMED' THEN r."id" END, q."created_at"
FROM "redemption_requests" q
LEFT JOIN "redemptions" r ON r."user_id" = q."user_id" AND r."idempotency_key" = q."idempotency_key";

DROP TABLE "redemption_requests";
