-- The admin's customers list (lib/admin/customers/list.ts): customers only, newest first, paged by keyset
-- on (created_at, id). The page, its count and its From/To days are one range scan of this index.
CREATE INDEX "users_role_created_at_id_idx" ON "users"("role", "created_at", "id");
