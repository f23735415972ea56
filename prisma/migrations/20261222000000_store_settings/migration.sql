-- Store settings (issue 14): one row, today only the store's time zone, in which admins see dates and
-- coupon windows are typed. The zone name is validated by the app against the runtime's IANA list;
-- the CHECK only keeps a second row and an empty name out.
CREATE TABLE "store_settings" (
    "id" BOOLEAN NOT NULL DEFAULT true,
    "time_zone" TEXT NOT NULL DEFAULT 'UTC',
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "store_settings_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "store_settings_single_row" CHECK ("id"),
    CONSTRAINT "store_settings_time_zone_named" CHECK (length("time_zone") BETWEEN 1 AND 64)
);

INSERT INTO "store_settings" ("id") VALUES (true);

ALTER TYPE "AdminAction" ADD VALUE 'SETTINGS_CHANGED';
