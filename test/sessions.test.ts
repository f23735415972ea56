/**
 * Sessions end for real: signing out, a password change and disabling the account each end the
 * server-side session, so the cookie that carried it no longer signs anyone in. Sign-in passes the
 * rate limits and opens a session only for the password it verified.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changePassword, setCustomerDisabled, signInWithPassword, verifyCredentials } from "@/lib/accounts";
import { hashPassword } from "@/lib/passwords";
import { rateLimitSettings } from "@/lib/rate-limits";
import { SESSION_LIFETIME_SECONDS, endSession, isSessionActive, openSession } from "@/lib/sessions";
import { freshDatabase, makeUsers, type TestDatabase } from "./helpers";

let test: TestDatabase;
beforeAll(async () => {
  test = await freshDatabase(12);
});
afterAll(() => test?.drop());

const PASSWORD = "correct horse battery";
const settings = rateLimitSettings({});

async function customer(role: "CUSTOMER" | "ADMIN" = "CUSTOMER") {
  const email = `s-${randomUUID()}@test.once`;
  return test.db.user.create({
    data: { email, name: "S", role, passwordHash: await hashPassword(PASSWORD) },
    select: { id: true, email: true, role: true, passwordHash: true },
  });
}

async function signIn(email: string, password = PASSWORD, address: string | null = "192.0.2.1") {
  return signInWithPassword(test.db, { email, password }, address, settings);
}

describe("sign-in opens a server-side session", () => {
  it("the right password opens a session with the role's lifetime; a wrong one opens none", async () => {
    const user = await customer();
    const ok = await signIn(user.email);
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    expect(await isSessionActive(test.db, ok.sessionId, user.id)).toBe(true);
    const row = await test.db.session.findUniqueOrThrow({ where: { id: ok.sessionId } });
    const lifetime = (row.expiresAt.getTime() - row.createdAt.getTime()) / 1000;
    expect(Math.abs(lifetime - SESSION_LIFETIME_SECONDS.CUSTOMER)).toBeLessThan(5);

    expect(await signIn(user.email, "wrong password")).toEqual({ ok: false, reason: "invalid_credentials" });
    expect(await test.db.session.count({ where: { userId: user.id } })).toBe(1);
  });

  it("admins get the shorter lifetime", async () => {
    const admin = await customer("ADMIN");
    const ok = await signIn(admin.email);
    if (!ok.ok) throw new Error("admin sign-in failed");
    const row = await test.db.session.findUniqueOrThrow({ where: { id: ok.sessionId } });
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeLessThanOrEqual(
      SESSION_LIFETIME_SECONDS.ADMIN * 1000 + 5,
    );
  });

  it("a session is opened only for the hash that was verified", async () => {
    const user = await customer();
    expect(await openSession(test.db, { ...user, passwordHash: "stale" })).toBeNull();
    expect(await openSession(test.db, { ...user, passwordHash: user.passwordHash! })).not.toBeNull();
  });

  it("another user's id with a session id is not a session", async () => {
    const [a, b] = [await customer(), await customer()];
    const ok = await signIn(a.email);
    if (!ok.ok) throw new Error("sign-in failed");
    expect(await isSessionActive(test.db, ok.sessionId, b.id)).toBe(false);
    expect(await isSessionActive(test.db, "not-a-uuid", a.id)).toBe(false);
    expect(await isSessionActive(test.db, undefined, a.id)).toBe(false);
  });

  it("an expired session is not active", async () => {
    const user = await customer();
    const ok = await signIn(user.email);
    if (!ok.ok) throw new Error("sign-in failed");
    await test.db.session.update({
      where: { id: ok.sessionId },
      data: { createdAt: new Date(Date.now() - 10_000), expiresAt: new Date(Date.now() - 1) },
    });
    expect(await isSessionActive(test.db, ok.sessionId, user.id)).toBe(false);
  });

  it("rate-limited sign-ins check no password and open no session", async () => {
    const user = await customer();
    const strict = rateLimitSettings({ RATE_LIMIT_SIGN_IN_ACCOUNT: "2/1h", RATE_LIMIT_SIGN_IN_SLOWDOWN_AFTER: "2" });
    for (let i = 0; i < 2; i++)
      await signInWithPassword(test.db, { email: user.email, password: "nope" }, null, strict);
    const locked = await signInWithPassword(test.db, { email: user.email, password: PASSWORD }, null, strict);
    expect(locked).toMatchObject({ ok: false, reason: "rate_limited", scope: "account" });
    expect(await test.db.session.count({ where: { userId: user.id } })).toBe(0);
  });

  it("malformed credentials are refused without being charged to anyone", async () => {
    expect(await signIn("x".repeat(5_000), PASSWORD)).toEqual({ ok: false, reason: "invalid_credentials" });
    expect(await test.db.rateLimit.count({ where: { key: { startsWith: "sign-in-account:xxx" } } })).toBe(0);
  });
});

describe("sessions end", () => {
  it("signing out ends that session only", async () => {
    const user = await customer();
    const [one, two] = [await signIn(user.email), await signIn(user.email)];
    if (!one.ok || !two.ok) throw new Error("sign-in failed");
    expect(await endSession(test.db, one.sessionId)).toBe(true);
    expect(await isSessionActive(test.db, one.sessionId, user.id)).toBe(false);
    expect(await isSessionActive(test.db, two.sessionId, user.id)).toBe(true);
    expect(await endSession(test.db, one.sessionId)).toBe(false);
    expect(await test.db.session.findUniqueOrThrow({ where: { id: one.sessionId } })).toMatchObject({
      endReason: "SIGNED_OUT",
    });
  });

  it("a password change ends every session of the user; the new password works, the old one doesn't", async () => {
    const user = await customer();
    const sessions = [await signIn(user.email), await signIn(user.email)];
    expect(await changePassword(test.db, user.id, { currentPassword: "wrong", newPassword: "new password 1" })).toEqual(
      {
        ok: false,
        reason: "wrong_password",
      },
    );
    expect(await changePassword(test.db, user.id, { currentPassword: PASSWORD, newPassword: "short" })).toMatchObject({
      ok: false,
      reason: "invalid",
    });
    expect(
      await changePassword(test.db, user.id, { currentPassword: PASSWORD, newPassword: "new password 1" }),
    ).toEqual({ ok: true });
    for (const s of sessions) {
      if (!s.ok) throw new Error("sign-in failed");
      expect(await isSessionActive(test.db, s.sessionId, user.id)).toBe(false);
    }
    const rows = await test.db.session.findMany({ where: { userId: user.id } });
    expect(rows.map((r) => r.endReason)).toEqual(["PASSWORD_CHANGED", "PASSWORD_CHANGED"]);
    expect((await signIn(user.email)).ok).toBe(false);
    expect((await signIn(user.email, "new password 1")).ok).toBe(true);
  });

  it("an admin disabling a customer ends their sessions and refuses sign-in, audited; re-enabling lets them back", async () => {
    const [admin] = await makeUsers(test.db, 1, "admin");
    const user = await customer();
    const before = await signIn(user.email);
    if (!before.ok) throw new Error("sign-in failed");

    expect(await setCustomerDisabled(test.db, admin!, user.id, true)).toEqual({ ok: true, changed: true });
    expect(await isSessionActive(test.db, before.sessionId, user.id)).toBe(false);
    expect(await signIn(user.email)).toEqual({ ok: false, reason: "invalid_credentials" });
    expect(await verifyCredentials(test.db, { email: user.email, password: PASSWORD })).toBeNull();
    // Disabling twice changes nothing and writes no second entry.
    expect(await setCustomerDisabled(test.db, admin!, user.id, true)).toEqual({ ok: true, changed: false });

    expect(await setCustomerDisabled(test.db, admin!, user.id, false)).toEqual({ ok: true, changed: true });
    expect((await signIn(user.email)).ok).toBe(true);
    const audit = await test.db.adminAuditEntry.findMany({ where: { targetId: user.id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["CUSTOMER_DISABLED", "CUSTOMER_ENABLED"]);
    expect(audit[0]).toMatchObject({ actorId: admin, targetType: "user" });
  });

  it("admins and unknown users are not disabled this way", async () => {
    const [actor] = await makeUsers(test.db, 1, "admin");
    const admin = await customer("ADMIN");
    expect(await setCustomerDisabled(test.db, actor!, admin.id, true)).toEqual({ ok: false, reason: "not_a_customer" });
    expect(await setCustomerDisabled(test.db, actor!, randomUUID(), true)).toEqual({
      ok: false,
      reason: "unknown_user",
    });
    expect(await setCustomerDisabled(test.db, actor!, "nope", true)).toEqual({ ok: false, reason: "unknown_user" });
  });

  it("sign-ins racing a password change: no session opened with the old password survives it", async () => {
    const user = await customer();
    const verified = { id: user.id, role: "CUSTOMER" as const, passwordHash: user.passwordHash! };
    let changed = false;
    const change = changePassword(test.db, user.id, { currentPassword: PASSWORD, newPassword: "raced password 1" });
    void change.finally(() => (changed = true));
    // Sign-ins that verified the old password keep opening sessions until the change has committed.
    const opened: (string | null)[] = [];
    const signInLoop = async () => {
      while (!changed) opened.push(await openSession(test.db, verified));
    };
    await Promise.all([change, signInLoop(), signInLoop(), signInLoop()]);
    expect(opened.filter(Boolean).length).toBeGreaterThan(0);
    expect(await test.db.session.count({ where: { userId: user.id, endedAt: null } })).toBe(0);
    expect(await openSession(test.db, verified)).toBeNull();
  });
});
