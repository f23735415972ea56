import "server-only";
import { type CurrentUser, findCurrentUser } from "@/lib/current-user";
import type { Db } from "@/lib/db/client";

/**
 * Who may use the admin dashboard. The session only names the user; the role is re-read from the
 * database on every check (lib/current-user.ts), so demoting an admin takes effect on their next request, not at token expiry.
 */

export interface AdminIdentity {
  id: string;
  email: string;
  name: string;
}

export type AdminRefusal = "unauthenticated" | "forbidden";

export type AdminCheck = { ok: true; admin: AdminIdentity } | { ok: false; reason: AdminRefusal };

export const REFUSAL_STATUS: Record<AdminRefusal, 401 | 403> = { unauthenticated: 401, forbidden: 403 };

export const REFUSAL_MESSAGE: Record<AdminRefusal, string> = {
  unauthenticated: "Sign in with an admin account to do this.",
  forbidden: "Only admins can do this. Nothing was changed.",
};

/** The rule itself, for a user already read: signed in, not disabled, with the ADMIN role. */
export function adminCheck(user: CurrentUser | null): AdminCheck {
  if (!user) return { ok: false, reason: "unauthenticated" };
  if (user.role !== "ADMIN") return { ok: false, reason: "forbidden" };
  return { ok: true, admin: { id: user.id, email: user.email, name: user.name } };
}

export async function checkAdmin(db: Db, userId: string | null | undefined): Promise<AdminCheck> {
  return adminCheck(await findCurrentUser(db, userId));
}
