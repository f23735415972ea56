import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount, verifyCredentials } from "@/lib/accounts";
import { safeCallbackUrl, sameOriginPath } from "@/lib/callback-url";
import { freshDatabase, type TestDatabase } from "./helpers";

describe("callback URLs", () => {
  it.each([
    ["/wallet", "/wallet"],
    ["/shop?item=1#top", "/shop?item=1#top"],
    ["/a/../wallet", "/wallet"],
    ["https://evil.example/", "/redeem"],
    ["//evil.example/x", "/redeem"],
    ["/\\evil.example", "/redeem"],
    ["\\\\evil.example", "/redeem"],
    ["javascript:alert(1)", "/redeem"],
    ["/\u0000x", "/redeem"],
    ["/ok\n//evil.example", "/redeem"],
    ["wallet", "/redeem"],
    ["", "/redeem"],
    [undefined, "/redeem"],
    [["/wallet", "/shop"], "/redeem"],
    ["/sign-in?callbackUrl=%2Fwallet", "/redeem"],
    ["/sign-up", "/redeem"],
    [`/${"x".repeat(3_000)}`, "/redeem"],
  ])("%j → %s", (raw, expected) => {
    expect(safeCallbackUrl(raw)).toBe(expected);
  });

  it("lets next-auth's redirects go back to the sign-in page (sign-out), but never off-site", () => {
    expect(sameOriginPath("/sign-in")).toBe("/sign-in");
    expect(sameOriginPath("//evil.example")).toBeNull();
  });
});

describe("accounts", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await freshDatabase(4);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("creates a customer with a normalised email and an argon2id hash, and verifies the credentials", async () => {
    const created = await createAccount(database.db, {
      name: "  Nova  ",
      email: " Nova@Example.COM ",
      password: "correct horse",
    });
    expect(created).toMatchObject({ ok: true, user: { name: "Nova", email: "nova@example.com", role: "CUSTOMER" } });
    const row = await database.db.user.findUniqueOrThrow({ where: { email: "nova@example.com" } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);

    expect(
      await verifyCredentials(database.db, { email: "NOVA@example.com ", password: "correct horse" }),
    ).toMatchObject({
      email: "nova@example.com",
      role: "CUSTOMER",
    });
    expect(await verifyCredentials(database.db, { email: "nova@example.com", password: "wrong horse" })).toBeNull();
    expect(await verifyCredentials(database.db, { email: "nobody@example.com", password: "correct horse" })).toBeNull();
    expect(
      await verifyCredentials(database.db, { email: "nova@example.com", password: "x".repeat(10_000) }),
    ).toBeNull();
    expect(await verifyCredentials(database.db, { email: undefined, password: undefined })).toBeNull();
  });

  it("refuses a taken email in any case, and reports every invalid field", async () => {
    await createAccount(database.db, { name: "Ada", email: "ada@example.com", password: "long enough" });
    expect(
      await createAccount(database.db, { name: "Ada 2", email: "ADA@example.com", password: "long enough" }),
    ).toEqual({
      ok: false,
      reason: "email_taken",
    });
    expect(await createAccount(database.db, { name: " ", email: "not-an-email", password: "short" })).toEqual({
      ok: false,
      reason: "invalid",
      fieldErrors: {
        name: "Enter your name.",
        email: "Enter a valid email address, like you@example.com.",
        password: "Use at least 8 characters.",
      },
    });
    expect(await createAccount(database.db, { name: null, email: 7, password: {} })).toMatchObject({
      ok: false,
      reason: "invalid",
    });
  });
});
