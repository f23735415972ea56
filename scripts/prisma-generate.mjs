// Runs `prisma generate` at install time. The Prisma CLI insists on locating a schema-engine
// binary even for `generate`, which never uses it; offline it would try to download one and fail.
// Pointing it at any existing file (unless the user configured a real engine) keeps install offline.
import { spawnSync } from "node:child_process";

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
env.PRISMA_HIDE_UPDATE_MESSAGE ??= "1";
const result = spawnSync("npx", ["--no-install", "prisma", "generate"], { stdio: "inherit", env });
process.exit(result.status ?? 1);
