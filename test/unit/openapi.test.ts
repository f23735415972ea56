/**
 * The OpenAPI document (lib/web/openapi.ts) and the route tree name the same operations: every
 * app/api/v1 route method is in the document, and every operation in the document has its route file.
 * Its schemas are the commands' own, so a field the routes take appears in it.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "@/lib/web/openapi";

const root = path.resolve(import.meta.dirname, "../..");
const v1 = path.join(root, "app", "api", "v1");

/** `METHOD /api/v1/…` for each method each route file exports, [id] folders as `{id}`. */
function routeMethods(): string[] {
  return readdirSync(v1, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name === "route.ts")
    .flatMap((entry) => {
      const file = path.join(entry.parentPath, entry.name);
      const url = `/api/v1/${path.relative(v1, entry.parentPath).split(path.sep).join("/")}`.replaceAll("[id]", "{id}");
      const methods = [
        ...readFileSync(file, "utf8").matchAll(/^export (?:const|function|async function) (GET|POST)\b/gm),
      ];
      return methods.map((m) => `${m[1]} ${url}`);
    })
    .filter((entry) => entry !== "GET /api/v1/openapi.json")
    .sort();
}

describe("the OpenAPI document", () => {
  const document = openApiDocument();

  it("is OpenAPI 3.1 and names exactly the /api/v1 route files' methods", () => {
    expect(document.openapi).toBe("3.1.0");
    const documented = Object.entries(document.paths ?? {})
      .flatMap(([url, item]) => Object.keys(item as object).map((method) => `${method.toUpperCase()} ${url}`))
      .sort();
    expect(routeMethods().length).toBeGreaterThanOrEqual(8);
    expect(documented).toEqual(routeMethods());
  });

  it("documents each operation's scope, body fields, Idempotency-Key and refusals with their statuses", () => {
    const hold = document.paths!["/api/v1/holds"]!.post!;
    expect(hold["x-scope" as never]).toBe("checkout");
    const parameters = (hold.parameters ?? []) as { name: string; in: string; required?: boolean }[];
    expect(parameters).toContainEqual(
      expect.objectContaining({ name: "Idempotency-Key", in: "header", required: true }),
    );
    const body = JSON.stringify(hold.requestBody);
    for (const field of ["customer", "code", "subtotalCents", "lines", "creditCents", "ttlSeconds"]) {
      expect(body).toContain(`"${field}"`);
    }
    expect(body).not.toContain("idempotencyKey");
    expect(JSON.stringify(hold.responses?.["409"])).toContain("exhausted");
    expect(Object.keys(hold.responses ?? {})).toEqual(
      expect.arrayContaining(["201", "400", "401", "403", "409", "422", "429"]),
    );
    const read = document.paths!["/api/v1/customers/{id}"]!.get!;
    expect((read.parameters as { name: string }[]).map((p) => p.name).sort()).toEqual(["before", "id", "limit"]);
  });
});
