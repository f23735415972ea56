import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Role } from "@/lib/generated/prisma/client";
import type { Db } from "./db/client";
import { isUniqueViolation } from "./db/errors";
import { PASSWORD_MAX_LENGTH, emailSchema, signUpSchema } from "./account-rules";
import { hashPassword, verifyPassword } from "./passwords";

/** Customer accounts: sign-up and credential checks. Sessions live in lib/web/auth.ts. */

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
    if (isUniqueViolation(error)) return { ok: false, reason: "email_taken" };
    throw error;
  }
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
  const user = await db.user.findUnique({
    where: { email: parsed.data.email },
    select: { ...accountSelect, passwordHash: true },
  });
  if (!user?.passwordHash) {
    dummyHash ??= hashPassword(randomUUID());
    await verifyPassword(await dummyHash, parsed.data.password);
    return null;
  }
  if (!(await verifyPassword(user.passwordHash, parsed.data.password))) return null;
  const { passwordHash: _, ...account } = user;
  return account;
}
