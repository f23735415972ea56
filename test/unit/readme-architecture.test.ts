import { existsSync, readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The README's architecture list names folders and a few key modules, not every file, so it stays true
 * as modules come and go; this keeps it so: each path it names exists, and each folder of lib/ is named.
 */

const root = path.resolve(import.meta.dirname, "../..");

/** Paths named at the start of a line of the Architecture block, nested by indentation (`lib/` then `  db/`). */
async function namedPaths(): Promise<string[]> {
  const readme = await readFile(path.join(root, "README.md"), "utf8");
  const section = readme.split(/^## Architecture$/m)[1] ?? "";
  const block = section.split("```")[1] ?? "";
  const parents: { indent: number; path: string }[] = [];
  const paths: string[] = [];
  for (const line of block.split("\n")) {
    const match = /^( *)([\w.-]+(?:\/|\.ts))(?:\s|$)/.exec(line);
    if (!match) continue;
    const indent = match[1]!.length;
    while (parents.length && parents.at(-1)!.indent >= indent) parents.pop();
    const named = (parents.at(-1)?.path ?? "") + match[2]!;
    paths.push(named);
    if (named.endsWith("/")) parents.push({ indent, path: named });
  }
  return paths;
}

describe("the README's architecture list", () => {
  it("names only paths that exist", async () => {
    const paths = await namedPaths();
    expect(paths).toContain("lib/db/");
    expect(paths.filter((named) => !existsSync(path.join(root, named)))).toEqual([]);
  });

  it("names every folder of lib/", async () => {
    const paths = new Set(await namedPaths());
    const folders = readdirSync(path.join(root, "lib"), { withFileTypes: true })
      // lib/generated/ is Prisma's output, not a module of ours.
      .filter((entry) => entry.isDirectory() && entry.name !== "generated")
      .map((entry) => `lib/${entry.name}/`);
    expect(folders.filter((folder) => !paths.has(folder))).toEqual([]);
  });
});
