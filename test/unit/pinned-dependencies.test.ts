/**
 * Supply chain (issue 13, item 9): every dependency is pinned to one exact version, and the committed
 * lockfile installs exactly that version, so `npm ci` runs what was reviewed and audited.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..", "..");
const read = (file: string) => JSON.parse(readFileSync(path.join(root, file), "utf8")) as Record<string, unknown>;
const manifest = read("package.json") as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const lock = read("package-lock.json") as { packages: Record<string, { version?: string }> };
const declared = Object.entries({ ...manifest.dependencies, ...manifest.devDependencies });

describe("dependencies", () => {
  it.each(declared)("%s is pinned to an exact version (%s)", (name, version) => {
    expect(version).toMatch(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/);
    expect(lock.packages[`node_modules/${name}`]?.version, "the lockfile installs the pinned version").toBe(version);
  });
});
