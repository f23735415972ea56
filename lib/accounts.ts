import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Role } from "@/lib/generated/prisma/client";
import type { Db } from "./db/client";
import { isUniqueViolation } from "./db/errors";
import { PASSWORD_MAX_LENGTH, emailSchema, newPasswordSchema, signUpSchema } from "./account-rules";
import { recordAdminChange } from "./admin-changes";
import { hashPassword, verifyPassword } from "./passwords";
import { type RateLimited, admitSignIn, admitSignUp, rateLimitSettings } from "./rate-limits";
import { openSession } from "./sessions";

/**
 * Customer accounts: sign-up, sign-in (credentials, rate limits, a server-side session), password
 * changes and disabling. The next-auth wiring lives in lib/web/auth.ts, sessions in lib/sessions.ts.
 */

export type SignUpField = keyof z.infer<typeof signUpSchema>;

export interface AccountUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export type SignUpResult =
  | { ok: true; user: AccountUser }
  | { ok: false; reason: "invalid"; fieldErrors: Partial<Record<SignUpField, string>> }
  | { ok: false; reason: "email_taken" };

const accountSelect = { id: true, email: true, name: true, role: true } as const;

export async function createAccount(
  db: Db,
  input: { name: unknown; email: unknown; password: unknown },
): Promise<SignUpResult> {
  const parsed = signUpSchema.safeParse(input);
  if (!parsed.success) {
    const fieldErrors: Partial<Record<SignUpField, string>> = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as SignUpField | undefined;
      if (field && !fieldErrors[field]) fieldErrors[field] = issue.message;
    }
    return { ok: false, reason: "invalid", fieldErrors };
  }
  const { name, email, password } = parsed.data;
  try {
    // Customers only: an account can never sign itself up as an admin.
    const user = await db.user.create({
      data: { name, email, passwordHash: await hashPassword(password), role: "CUSTOMER" },
      select: accountSelect,
    });
    return { ok: true, user };
  } catch (error) {
    if (isUniqueViolation(error)) return claimStoreCustomer(db, { name, email, password });
    throw error;
  }
}

/**
 * Signing up with the email of a customer a store created through the API (lib/store-customers.ts, no
 * password yet) claims that account: the password is set on it, so the credit the store gave is there.
 * A guarded write: only a passwordless store customer is claimed, once; any other taken email is refused.
 */
async function claimStoreCustomer(
  db: Db,
  account: { name: string; email: string; password: string },
): Promise<SignUpResult> {
  const passwordHash = await hashPassword(account.password);
  const claimed = await db.user.updateMany({
    where: { email: account.email, passwordHash: null, storeCustomerId: { not: null }, role: "CUSTOMER" },
    data: { passwordHash, name: account.name },
  });
  if (claimed.count === 0) return { ok: false, reason: "email_taken" };
  const user = await db.user.findUniqueOrThrow({ where: { email: account.email }, select: accountSelect });
  return { ok: true, user };
}

const credentialsSchema = z.object({ email: emailSchema, password: z.string().min(1).max(PASSWORD_MAX_LENGTH) });

let dummyHash: Promise<string> | undefined;

/**
 * The user these credentials belong to, or null. Unknown emails still pay for one argon2 verification,
 * so the response time does not tell which emails have accounts.
 */
export async function verifyCredentials(
  db: Db,
  input: { email: unknown; password: unknown },
): Promise<AccountUser | null> {
  const parsed = credentialsSchema.safeParse(input);
  if (!parsed.success) return null;
  const verified = await checkPassword(db, parsed.data);
  if (!verified) return null;
  const { passwordHash: _, ...account } = verified;
  return account;
}

/** The enabled user with this email and password, with the hash it verified against, or null. */
async function checkPassword(
  db: Db,
  { email, password }: { email: string; password: string },
): Promise<(AccountUser & { passwordHash: string }) | null> {
  const user = await db.user.findUnique({
    where: { email },
    select: { ...accountSelect, passwordHash: true, disabled: true },
  });
  if (!user?.passwordHash) {
    dummyHash ??= hashPassword(randomUUID());
    await verifyPassword(await dummyHash, password);
    return null;
  }
  // A disabled account is refused like a wrong password, after the same work.
  if (!(await verifyPassword(user.passwordHash, password)) || user.disabled) return null;
  const { disabled: _, passwordHash, ...account } = user;
  return { ...account, passwordHash };
}

export type SignInResult =
  { ok: true; user: AccountUser; sessionId: string } | { ok: false; reason: "invalid_credentials" } | RateLimited;

/**
 * Signs in with email and password from `address`: the attempt passes the sign-in rate limits before
 * the password is checked (lib/rate-limits.ts), and a match opens a server-side session whose id the
 * session cookie carries. Wrong password, unknown email and disabled account are one answer.
 */
export async function signInWithPassword(
  db: Db,
  input: { email: unknown; password: unknown },
  address: string | null | undefined,
  settings = rateLimitSettings(),
): Promise<SignInResult> {
  const parsed = credentialsSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: "invalid_credentials" };
  const admission = await admitSignIn(db, { email: parsed.data.email, address }, settings);
  if (!admission.ok) return admission;
  const verified = await checkPassword(db, parsed.data);
  const sessionId = verified && (await openSession(db, verified));
  await admission.settle(Boolean(sessionId));
  if (!verified || !sessionId) return { ok: false, reason: "invalid_credentials" };
  const { passwordHash: _, ...user } = verified;
  return { ok: true, user, sessionId };
}

/**
 * createAccount behind the per-address sign-up limit: the server action calls this with the client
 * address. A form refused as invalid is not charged; "email taken" is (that is how emails are probed).
 */
export async function signUpWithinLimits(
  db: Db,
  input: { name: unknown; email: unknown; password: unknown },
  address: string | null | undefined,
  settings = rateLimitSettings(),
): Promise<SignUpResult | RateLimited> {
  const admission = await admitSignUp(db, address, settings);
  if (!admission.ok) return admission;
  const result = await createAccount(db, input);
  await admission.settle(result.ok || result.reason === "email_taken");
  return result;
}

export type ChangePasswordResult =
  | { ok: true }
  | { ok: false; reason: "wrong_password" | "unknown_user" }
  | { ok: false; reason: "invalid"; message: string };

/**
 * Changes a password after checking the current one. Every open session of the user ends in the same
 * transaction (database trigger); the caller signs the user in again if they should stay signed in.
 */
export async function changePassword(
  db: Db,
  userId: string,
  input: { currentPassword: unknown; newPassword: unknown },
): Promise<ChangePasswordResult> {
  const next = newPasswordSchema.safeParse(input.newPassword);
  if (!next.success) return { ok: false, reason: "invalid", message: next.error.issues[0]!.message };
  const user = await db.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  if (!user) return { ok: false, reason: "unknown_user" };
  const current = typeof input.currentPassword === "string" ? input.currentPassword : "";
  if (!user.passwordHash || !(await verifyPassword(user.passwordHash, current))) {
    return { ok: false, reason: "wrong_password" };
  }
  // Guarded on the hash just verified: a concurrent change wins and this one reports a wrong password.
  const changed = await db.user.updateMany({
    where: { id: userId, passwordHash: user.passwordHash },
    data: { passwordHash: await hashPassword(next.data) },
  });
  return changed.count === 1 ? { ok: true } : { ok: false, reason: "wrong_password" };
}

export type SetDisabledResult =
  { ok: true; changed: boolean } | { ok: false; reason: "unknown_user" | "not_a_customer" };

/**
 * An admin disables (or re-enables) a customer account. Disabling refuses every later sign-in and ends
 * every open session at once (database trigger); both are recorded in the admin audit log in the same
 * transaction. Admin accounts are not disabled this way.
 */
export async function setCustomerDisabled(
  db: Db,
  actorId: string,
  userId: string,
  disabled: boolean,
): Promise<SetDisabledResult> {
  if (!z.uuid().safeParse(userId).success) return { ok: false, reason: "unknown_user" };
  return db.$transaction(async (tx) => {
    const changed = await tx.user.updateMany({
      where: { id: userId, role: "CUSTOMER", disabled: !disabled },
      data: { disabled },
    });
    const user = await tx.user.findUnique({ where: { id: userId }, select: { email: true, role: true } });
    if (!user) return { ok: false, reason: "unknown_user" } as const;
    if (user.role !== "CUSTOMER") return { ok: false, reason: "not_a_customer" } as const;
    if (changed.count === 1) {
      await recordAdminChange(tx, actorId, {
        action: disabled ? "CUSTOMER_DISABLED" : "CUSTOMER_ENABLED",
        targetType: "user",
        targetId: userId,
        summary: `${disabled ? "Disabled" : "Re-enabled"} the customer ${user.email}`,
        before: { disabled: !disabled },
        after: { disabled },
      });
    }
    return { ok: true, changed: changed.count === 1 } as const;
  });
}
