/**
 * No entry point can skip the edge (lib/commands/edge.ts). A command's work is reachable only through
 * runCommand, which applies its input rules and rate limit; so it is enough that no file under app/
 * reaches the domain functions the commands wrap, that every customer JSON route is built by
 * customerRoute, and that every command has a way in. Like the authorization matrix, this enumerates
 * the tree: a new route or action that calls placeOrder (say) directly fails here.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineCommand } from "@/lib/commands/edge";

const root = path.resolve(import.meta.dirname, "../..");

function filesUnder(dir: string, accept: (name: string) => boolean): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && accept(entry.name))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}

const source = (file: string) => readFileSync(path.join(root, file), "utf8");

/** The entry points: every route handler and every server-action file. */
const entryFiles = filesUnder("app", (name) => /^(route|actions)\.tsx?$/.test(name));

/**
 * The domain functions behind the commands (lib/commands/*.ts), and the limiter they are charged by:
 * reached from app/ only through a command.
 */
const BEHIND_THE_EDGE: Record<string, string[]> = {
  "@/lib/redemptions": ["redeemCoupon"],
  "@/lib/checkout/place-order": ["placeOrder"],
  "@/lib/checkout/cart": ["addToCart", "setCartQuantity", "setCartCode", "applyCartCode", "cartOrder"],
  "@/lib/checkout/cancel-order": ["cancelOrder"],
  "@/lib/purchase": ["purchase"],
  "@/lib/admin/customers/adjust": ["adjustCredit"],
  "@/lib/admin/orders": ["adminCancelOrder"],
  "@/lib/holds/create-hold": ["createHold"],
  "@/lib/holds/settle-hold": ["captureHold", "releaseHold", "refundHold"],
  "@/lib/rate-limits": ["admitRedeemAttempt", "consume"],
  "@/lib/commands/edge": ["runCommand"],
};

/** The names a file imports as values (not `import type`, not `type X` members) from a module. */
function valueImports(text: string, module: string): string[] {
  const names: string[] = [];
  const pattern = new RegExp(`import\\s+(type\\s+)?\\{([^}]*)\\}\\s+from\\s+"${module.replace(/[/.]/g, "\\$&")}"`, "g");
  for (const match of text.matchAll(pattern)) {
    if (match[1]) continue;
    for (const part of match[2]!.split(",")) {
      const name = part.trim();
      if (name && !name.startsWith("type ")) names.push(name.split(/\s+as\s+/)[0]!);
    }
  }
  return names;
}

/** Each command's export name, from lib/commands/customer.ts and admin.ts. */
function commandNames(file: string): string[] {
  return [...source(file).matchAll(/export const (\w+) = defineCommand/g)].map((match) => match[1]!);
}

describe("the edge", () => {
  it("finds the entry points", () => {
    expect(entryFiles).toContain(path.join("app", "api", "orders", "route.ts"));
    expect(entryFiles).toContain(path.join("app", "(customer)", "cart", "actions.ts"));
    expect(entryFiles.length).toBeGreaterThan(15);
  });

  it("no entry point reaches a command's domain function, or the limiter, except through a command", () => {
    const bypasses = entryFiles.flatMap((file) =>
      Object.entries(BEHIND_THE_EDGE).flatMap(([module, guarded]) =>
        valueImports(source(file), module)
          .filter((name) => guarded.includes(name))
          .map((name) => `${file} imports ${name} from ${module}`),
      ),
    );
    expect(bypasses).toEqual([]);
  });

  it("every customer JSON route is built by customerRoute", () => {
    const customerRoutes = entryFiles.filter(
      (file) =>
        file.startsWith(path.join("app", "api")) &&
        file.endsWith("route.ts") &&
        !/api\/(admin|auth|health|control|v1)\//.test(file),
    );
    expect(customerRoutes.length).toBeGreaterThanOrEqual(3);
    const handmade = customerRoutes.filter((file) => !/export const POST = customerRoute\(/.test(source(file)));
    expect(handmade).toEqual([]);
  });

  it("every /api/v1 route is built by apiKeyRoute (a store's key, never a cookie)", () => {
    // The OpenAPI document is public and runs no command: it is generated from the operations' schemas.
    const storeRoutes = entryFiles.filter(
      (file) =>
        file.startsWith(path.join("app", "api", "v1") + path.sep) &&
        file !== path.join("app", "api", "v1", "openapi.json", "route.ts"),
    );
    const handmade = storeRoutes.filter((file) => {
      const text = source(file);
      const handlers = [...text.matchAll(/export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE)\b/g)];
      const built = [...text.matchAll(/export const (GET|POST|PUT|PATCH|DELETE) = apiKeyRoute\(/g)];
      return handlers.length === 0 || built.length !== handlers.length;
    });
    expect(handmade).toEqual([]);
  });

  it("every command has an entry point that runs it through the edge", () => {
    const commands = [
      ...commandNames("lib/commands/customer.ts").map((name) => ({ name, module: "@/lib/commands/customer" })),
      ...commandNames("lib/commands/admin.ts").map((name) => ({ name, module: "@/lib/commands/admin" })),
    ];
    expect(commands.length).toBeGreaterThanOrEqual(10);
    const run = new Set<string>();
    for (const file of entryFiles) {
      const text = source(file);
      for (const specifier of ["@/lib/commands/customer", "@/lib/commands/admin"]) {
        const pattern = new RegExp(`import\\s+\\{([^}]*)\\}\\s+from\\s+"${specifier.replace(/[/.]/g, "\\$&")}"`, "g");
        for (const match of text.matchAll(pattern)) {
          for (const part of match[1]!.split(",")) {
            const [name, local = name] = part.trim().split(/\s+as\s+/);
            if (name && new RegExp(`(ctx\\.run|customerRoute)\\(${local}\\b`).test(text))
              run.add(`${specifier}:${name}`);
          }
        }
      }
    }
    // orderCart runs the order command itself, through runCommand; the order command's own entry is the API.
    expect(commands.filter((c) => !run.has(`${c.module}:${c.name}`)).map((c) => c.name)).toEqual([]);
  });

  it("every store command is an /api/v1 operation's, and every operation is a route built by apiKeyRoute", () => {
    const contract = source("lib/web/api-v1.ts");
    const storeCommands = [...commandNames("lib/commands/holds.ts"), ...commandNames("lib/commands/store.ts")];
    expect(storeCommands.length).toBeGreaterThanOrEqual(7);
    expect(storeCommands.filter((name) => !new RegExp(`command: ${name},`).test(contract))).toEqual([]);
    const operations = [...contract.matchAll(/^ {2}(\w+): operation\(/gm)].map((match) => match[1]!);
    const routed = entryFiles
      .filter((file) => file.startsWith(path.join("app", "api", "v1") + path.sep))
      .map(
        (file) =>
          /const operation = API_V1\.(\w+);\nexport const (?:GET|POST) = apiKeyRoute\(operation\.command, operation\);/.exec(
            source(file),
          )?.[1],
      )
      .filter(Boolean);
    expect(routed.sort()).toEqual(operations.sort());
  });

  it("a command's work cannot be called past runCommand", () => {
    const command = defineCommand({
      name: "probe",
      input: z.object({}),
      limit: null,
      idempotency: { key: "none", by: "nothing_to_repeat" },
      run: async () => ({ ok: true }),
    });
    expect("run" in command).toBe(false);
    expect(Object.isFrozen(command)).toBe(true);
  });
});
