-- API keys for a store's server (lib/api-keys.ts). Only a SHA-256 of the secret is kept: the secret is 256
-- random bits, so a fast hash is enough (nothing to brute-force) and the lookup is one unique-index probe.
-- The prefix ("once_live_" + short id) is what lists show; revoked_at set means refused from the next
-- request on, on every instance, since each request reads this row (no cache of validity).
CREATE TYPE "ApiScope" AS ENUM ('read', 'redeem', 'checkout', 'webhooks');

CREATE TABLE "api_keys" (
    "id" uuid NOT NULL DEFAULT gen_random_uuid(),
    "prefix" text NOT NULL,
    "secret_hash" text NOT NULL,
    "name" text NOT NULL,
    "scopes" "ApiScope"[] NOT NULL,
    -- Null: created from the command line (npm run api-keys), by whoever runs the server.
    "created_by_id" uuid,
    "created_at" timestamptz(3) NOT NULL DEFAULT now(),
    "last_used_at" timestamptz(3),
    "revoked_at" timestamptz(3),
    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "api_keys_prefix_key" UNIQUE ("prefix"),
    CONSTRAINT "api_keys_secret_hash_key" UNIQUE ("secret_hash"),
    CONSTRAINT "api_keys_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users" ("id") ON DELETE SET NULL,
    CONSTRAINT "api_keys_name_length" CHECK (length("name") BETWEEN 1 AND 100),
    CONSTRAINT "api_keys_some_scope" CHECK (cardinality("scopes") >= 1),
    CONSTRAINT "api_keys_secret_hash_sha256" CHECK ("secret_hash" ~ '^[0-9a-f]{64}$')
);

-- A key's use, counted per hour, command and answer status: one row per (key, hour, command, status) that
-- each request increments, rather than one row per request, so a busy store's calls do not grow a table
-- by millions of rows a day while the admin can still see what a key did and when (and what it was refused).
CREATE TABLE "api_key_usage" (
    "key_id" uuid NOT NULL,
    "hour" timestamptz(3) NOT NULL,
    "command" text NOT NULL,
    "status" integer NOT NULL,
    "requests" integer NOT NULL DEFAULT 1,
    CONSTRAINT "api_key_usage_pkey" PRIMARY KEY ("key_id", "hour", "command", "status"),
    CONSTRAINT "api_key_usage_key_id_fkey" FOREIGN KEY ("key_id") REFERENCES "api_keys" ("id") ON DELETE CASCADE,
    CONSTRAINT "api_key_usage_requests_positive" CHECK ("requests" >= 1)
);

ALTER TYPE "AdminAction" ADD VALUE 'API_KEY_CREATED';
ALTER TYPE "AdminAction" ADD VALUE 'API_KEY_REVOKED';
