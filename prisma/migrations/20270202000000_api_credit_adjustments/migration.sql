-- A store's server adjusts a customer's credit with its API key (POST /api/v1/customers/{id}/credit):
-- an adjustment is made by an admin or by a key, exactly one of them.
ALTER TABLE "credit_adjustments" ALTER COLUMN "actor_id" DROP NOT NULL;
ALTER TABLE "credit_adjustments" ADD COLUMN "api_key_id" UUID;
ALTER TABLE "credit_adjustments" ADD CONSTRAINT "credit_adjustments_one_actor" CHECK (num_nonnulls("actor_id", "api_key_id") = 1);
CREATE INDEX "credit_adjustments_api_key_id_idx" ON "credit_adjustments"("api_key_id");
ALTER TABLE "credit_adjustments" ADD CONSTRAINT "credit_adjustments_api_key_id_fkey" FOREIGN KEY ("api_key_id") REFERENCES "api_keys"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
