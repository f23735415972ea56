/**
 * API keys (lib/api-keys.ts) and the route wrapper every /api/v1 endpoint is built by
 * (lib/web/api-key-route.ts): only a hash is stored, a revoked key is refused on the very next request
 * (no cache), scopes are enforced, and the shared edge (Idempotency-Key, body, rate limit per key)
 * answers before any command runs. Against a real PostgreSQL; the route handlers use this file's database.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { authenticateApiKey, createApiKey, hashApiKey, listApiKeys, revokeApiKey } from "@/lib/api-keys";
import { defineCommand } from "@/lib/commands/edge";
import type { Db } from "@/lib/db/client";
import { apiKeyRoute } from "@/lib/web/api-key-route";
import { makeAdminAndCustomer } from "./admin-helpers";
import { freshDatabase, newKey, type TestDatabase } from "./helpers";

let test: TestDatabase;
let db: Db;
const global = globalThis as unknown as { onceDb?: Db };

beforeAll(async () => {
  test = await freshDatabase(8);
  db = test.db;
  global.onceDb = db;
});
afterAll(async () => {
  delete global.onceDb;
  await test.drop();
});
afterEach(() => vi.unstubAllEnvs());

async function newKeyWith(scopes: ("read" | "redeem" | "checkout" | "webhooks")[], createdBy: string | null = null) {
  const created = await createApiKey(db, { name: `test ${newKey().slice(0, 6)}`, scopes }, createdBy);
  if (!created.ok) throw new Error(JSON.stringify(created));
  return created;
}

describe("the key store", () => {
  it("stores only the SHA-256 of the secret, shows the prefix, and finds the key by its secret", async () => {
    const { key, secret } = await newKeyWith(["redeem", "read"]);
    expect(secret).toMatch(/^once_live_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(secret.startsWith(`${key.prefix}_`)).toBe(true);
    const row = await db.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row.secretHash).toBe(hashApiKey(secret));
    expect(JSON.stringify(row)).not.toContain(secret.slice(key.prefix.length + 1));
    expect(row.scopes).toEqual(["read", "redeem"]);
    expect(await authenticateApiKey(db, secret)).toEqual({
      id: key.id,
      prefix: key.prefix,
      scopes: ["read", "redeem"],
    });
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).lastUsedAt).not.toBeNull();
  });

  it("refuses a wrong, malformed or revoked secret, and revokes once", async () => {
    const { key, secret } = await newKeyWith(["read"]);
    expect(await authenticateApiKey(db, `${secret.slice(0, -1)}${secret.endsWith("A") ? "B" : "A"}`)).toBeNull();
    expect(await authenticateApiKey(db, "once_live_nope")).toBeNull();
    expect(await revokeApiKey(db, key.id, null)).toMatchObject({ ok: true });
    expect(await authenticateApiKey(db, secret)).toBeNull();
    expect(await revokeApiKey(db, key.id, null)).toEqual({ ok: false, reason: "already_revoked" });
    expect(await revokeApiKey(db, "not-a-uuid", null)).toEqual({ ok: false, reason: "not_found" });
    expect(await revokeApiKey(db, newKey(), null)).toEqual({ ok: false, reason: "not_found" });
  });

  it("refuses no name and unknown or no scopes; an admin's create and revoke are audited", async () => {
    expect(await createApiKey(db, { name: " ", scopes: ["read"] }, null)).toMatchObject({
      ok: false,
      reason: "invalid",
    });
    expect(await createApiKey(db, { name: "x", scopes: [] }, null)).toMatchObject({ ok: false, reason: "invalid" });
    expect(await createApiKey(db, { name: "x", scopes: ["admin" as "read"] }, null)).toMatchObject({
      ok: false,
      reason: "invalid",
    });
    const { adminId } = await makeAdminAndCustomer(db);
    const { key } = await newKeyWith(["checkout"], adminId);
    await revokeApiKey(db, key.id, adminId);
    const audit = await db.adminAuditEntry.findMany({ where: { targetId: key.id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["API_KEY_CREATED", "API_KEY_REVOKED"]);
    const listed = (await listApiKeys(db)).find((k) => k.id === key.id)!;
    expect(listed.revokedAt).not.toBeNull();
    expect(listed.createdBy).toMatch(/@/);
  });
});

describe("apiKeyRoute", () => {
  const probe = defineCommand({
    name: "probe",
    input: z.object({ n: z.number("Send a number n."), idempotencyKey: z.string() }),
    limit: null,
    idempotency: { key: "required", scope: "probe" },
    run: async (_db, actor, input) => ({ ok: true as const, n: input.n, actor: actor.userId }),
  });
  const route = apiKeyRoute(probe, {
    scope: "redeem",
    customer: "none",
    bodyExample: '{"n": 1}',
    input: ({ body, key }) => ({ n: body.n, idempotencyKey: key }),
    placed: (result) => ({ status: 201, body: { n: result.n, actor: result.actor }, replayed: false }),
    message: () => "Done.",
  });
  const context = { params: Promise.resolve({}) };
  const call = (headers: Record<string, string>, body: unknown = { n: 1 }) =>
    route(
      new Request("http://once.test/api/v1/probe", {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": newKey(), ...headers },
        body: JSON.stringify(body),
      }),
      context,
    );

  it("answers 401 without a key, with an unknown or malformed one, and with a revoked one at once", async () => {
    const { key, secret } = await newKeyWith(["redeem"]);
    const missing = await call({});
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await missing.json()).toMatchObject({ status: "error", reason: "invalid_api_key" });
    expect((await call({ authorization: "Bearer once_live_000000000000_x" })).status).toBe(401);
    expect((await call({ authorization: `Basic ${secret}` })).status).toBe(401);
    expect((await call({ authorization: `Bearer ${secret}` })).status).toBe(201);
    await revokeApiKey(db, key.id, null);
    expect((await call({ authorization: `Bearer ${secret}` })).status).toBe(401);
  });

  it("answers 403 to a key without the route's scope", async () => {
    const { secret } = await newKeyWith(["read", "checkout"]);
    const refused = await call({ authorization: `Bearer ${secret}` });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ reason: "insufficient_scope" });
  });

  it("then the shared edge: Idempotency-Key, body, input rules; and counts each answer in the key's usage", async () => {
    const { key, secret } = await newKeyWith(["redeem"]);
    const auth = { authorization: `Bearer ${secret}` };
    const noKey = await route(
      new Request("http://once.test/api/v1/probe", {
        method: "POST",
        headers: { "content-type": "application/json", ...auth },
        body: "{}",
      }),
      context,
    );
    expect(noKey.status).toBe(400);
    expect(await noKey.json()).toMatchObject({ reason: "missing_idempotency_key" });
    const invalid = await call(auth, { n: "one" });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ reason: "invalid_body" });
    const placed = await call(auth, { n: 7 });
    expect(placed.status).toBe(201);
    // No customer named: the command acts for the key itself.
    expect(await placed.json()).toEqual({ n: 7, actor: key.id, message: "Done." });
    const usage = await db.apiKeyUsage.findMany({ where: { keyId: key.id }, orderBy: { status: "asc" } });
    expect(usage.map((u) => [u.command, u.status, u.requests])).toEqual([
      ["probe", 201, 1],
      ["probe", 400, 2],
    ]);
  });

  it("rate-limits per key: over the budget 429 with Retry-After, another key unaffected", async () => {
    vi.stubEnv("RATE_LIMIT_API_KEY", "3/1m");
    const first = await newKeyWith(["redeem"]);
    const second = await newKeyWith(["redeem"]);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call({ authorization: `Bearer ${first.secret}` })).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
    const limited = await call({ authorization: `Bearer ${first.secret}` });
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await limited.json()).toMatchObject({ reason: "rate_limited", scope: "key" });
    expect((await call({ authorization: `Bearer ${second.secret}` })).status).toBe(201);
  });
});
