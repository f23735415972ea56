import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ENVIRONMENT, MISSING_SECRET_MESSAGE, WEAK_SECRET_MESSAGE, env, sessionSecret } from "@/lib/env";

const strong = "s".repeat(32);

describe("the environment module", () => {
  it("documents every variable it reads in the README's Configuration table", async () => {
    const readme = await readFile(path.resolve(import.meta.dirname, "../../README.md"), "utf8");
    const section = readme.split(/^## Configuration$/m)[1]?.split(/^##? /m)[0] ?? "";
    const documented = new Set(
      section
        .split("\n")
        .filter((line) => line.startsWith("|"))
        .flatMap((line) => (line.split("|")[1] ?? "").match(/`([A-Z][A-Z0-9_]+)`/g) ?? [])
        .map((name) => name.slice(1, -1)),
    );
    expect(Object.keys(ENVIRONMENT).filter((name) => !documented.has(name))).toEqual([]);
  });

  it("applies defaults, treats empty as unset, and names a wrong value", () => {
    const defaults = env({ DATABASE_URL: "" });
    expect(defaults).toMatchObject({
      DATABASE_URL: undefined,
      PORT: 3000,
      ONCE_DATA_DIR: ".data",
      DATABASE_POOL_MAX: 10,
      DATABASE_TX_TIMEOUT_MS: 15_000,
      NODE_ENV: "development",
    });
    // Unset leaves the demo-data choice to where the database is (lib/seed.ts).
    expect(defaults.ONCE_SEED_DEMO).toBeUndefined();
    expect(env({ DATABASE_POOL_MAX: "24", ONCE_SEED_DEMO: "1" })).toMatchObject({
      DATABASE_POOL_MAX: 24,
      ONCE_SEED_DEMO: true,
    });
    expect(() => env({ DATABASE_POOL_MAX: "many" })).toThrow(/DATABASE_POOL_MAX must be a whole number/);
    expect(() => env({ DATABASE_TX_TIMEOUT_MS: "0" })).toThrow(/DATABASE_TX_TIMEOUT_MS must be above 0/);
    expect(() => env({ DATABASE_URL: "mysql://db/once" })).toThrow(/DATABASE_URL must be a postgresql:\/\/ URL/);
    expect(() => env({ ONCE_SEED_DEMO: "yes" })).toThrow(/ONCE_SEED_DEMO must be 1 or 0/);
  });
});

describe("the session secret: one rule for every entry point", () => {
  const secretIn = (variables: Record<string, string>) => () => sessionSecret(env(variables));

  it("is required in production", () => {
    expect(secretIn({ NODE_ENV: "production" })).toThrow(MISSING_SECRET_MESSAGE);
    expect(secretIn({ NODE_ENV: "production", NEXTAUTH_SECRET: strong })()).toBe(strong);
    expect(secretIn({ NODE_ENV: "production", AUTH_SECRET: strong })()).toBe(strong);
  });

  it("refuses a weak secret wherever it is configured", () => {
    for (const NODE_ENV of ["production", "development"]) {
      expect(secretIn({ NODE_ENV, NEXTAUTH_SECRET: "x" })).toThrow(WEAK_SECRET_MESSAGE);
      expect(secretIn({ NODE_ENV, AUTH_SECRET: "s".repeat(31) })).toThrow(WEAK_SECRET_MESSAGE);
    }
  });

  it("is optional outside production (npm start generates one) and while next build runs", () => {
    expect(secretIn({ NODE_ENV: "development" })()).toBeUndefined();
    expect(secretIn({ NODE_ENV: "production", NEXT_PHASE: "phase-production-build" })()).toBeUndefined();
  });
});
