import "server-only";
import { getServerSession } from "next-auth";
import { cache } from "react";
import type { CurrentUser } from "@/lib/current-user";
import { getDb } from "@/lib/db/client";
import { findSessionUser, isSessionActive } from "@/lib/sessions";
import { authOptions } from "./auth";

/**
 * The signed-in user's id from the session cookie, while its server-side session is open (signing out,
 * a password change or disabling the account end it at once, lib/sessions.ts). Role and balance are never
 * taken from here: they come from the user's row (lib/current-user.ts).
 */
export async function sessionUserId(): Promise<string | null> {
  const session = await getServerSession(authOptions);
  const id = session?.user?.id;
  if (!id || !(await isSessionActive(getDb(), session.sid, id))) return null;
  return id;
}

/**
 * The signed-in user as the database knows them now, or null: the session check and the user's row in
 * one query. Cached per request, so layout and page share it.
 */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  const session = await getServerSession(authOptions);
  return findSessionUser(getDb(), session?.sid, session?.user?.id);
});
