-- Sessions that end for real. The session cookie (a next-auth JWT) carries a session id; every request
-- checks that its row is still open, unexpired and that the user is not disabled. Signing out ends the
-- row; disabling a user or changing their password ends all of that user's rows (trigger below), so no
-- caller can forget to.

-- AlterTable
ALTER TABLE "users" ADD COLUMN "disabled" BOOLEAN NOT NULL DEFAULT false;

-- CreateEnum
CREATE TYPE "SessionEndReason" AS ENUM ('SIGNED_OUT', 'PASSWORD_CHANGED', 'DISABLED');

-- CreateTable
CREATE TABLE "sessions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),
    "end_reason" "SessionEndReason",

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "sessions_end_reason_iff_ended" CHECK (("ended_at" IS NULL) = ("end_reason" IS NULL)),
    CONSTRAINT "sessions_expiry_after_start" CHECK ("expires_at" > "created_at")
);

-- CreateIndex
CREATE INDEX "sessions_user_id_idx" ON "sessions"("user_id");

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A new password or a disabled account ends every open session of the user in the same transaction.
-- A sign-in racing the change cannot slip through: it opens its session with INSERT … SELECT … FOR
-- SHARE on the user row, re-checking the verified hash and `disabled` (lib/sessions.ts), so it either
-- waits for the change and then finds nothing to insert, or commits first and is ended here.
CREATE FUNCTION "end_sessions_on_credential_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE "sessions"
    SET "ended_at" = CURRENT_TIMESTAMP,
        "end_reason" = CASE WHEN NEW."disabled" AND NOT OLD."disabled" THEN 'DISABLED' ELSE 'PASSWORD_CHANGED' END::"SessionEndReason"
    WHERE "user_id" = NEW."id" AND "ended_at" IS NULL;
    RETURN NULL;
END;
$$;

CREATE TRIGGER "users_end_sessions_on_credential_change"
AFTER UPDATE OF "password_hash", "disabled" ON "users"
FOR EACH ROW
WHEN (NEW."password_hash" IS DISTINCT FROM OLD."password_hash" OR (NEW."disabled" AND NOT OLD."disabled"))
EXECUTE FUNCTION "end_sessions_on_credential_change"();
