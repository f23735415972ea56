import { defineConfig } from "prisma/config";

// The URL is read directly, not through lib/env.ts (the Prisma CLI loads this file on its own), and may be
// empty, so `prisma generate` works without a database.
// At run time the app connects through @prisma/adapter-pg (lib/db/client.ts), not through this file.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "" },
});
