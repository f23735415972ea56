-- Where a guess at a code came from (issue 19): the redeem form and API as before, or the cart's code
-- preview, which answers whether a code exists and applies and so costs what a redeem attempt costs. A
-- preview that applies is logged as PREVIEWED: nothing was used.
CREATE TYPE "AttemptSource" AS ENUM ('REDEEM', 'CART_PREVIEW');

ALTER TABLE "redemption_attempts" ADD COLUMN "source" "AttemptSource" NOT NULL DEFAULT 'REDEEM';

ALTER TYPE "AttemptOutcome" ADD VALUE 'PREVIEWED';
