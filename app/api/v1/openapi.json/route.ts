import { openApiDocument } from "@/lib/web/openapi";

/**
 * GET /api/v1/openapi.json: the contract as OpenAPI 3.1, generated from the routes' own schemas
 * (lib/web/openapi.ts). Public, as a reference is: it names no key, customer or code.
 */

export const dynamic = "force-static";

export function GET() {
  return Response.json(openApiDocument());
}
