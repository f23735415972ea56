import "server-only";
import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { cache } from "react";
import type { CurrentUser } from "@/lib/current-user";
import { type Db, getDb } from "@/lib/db/client";
import { isDatabaseUnavailable } from "@/lib/db/errors";
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
 * The user each server action authenticated, by request: its headers object is the same in the action and
 * in the rendering of the page that Next.js sends back with the action's answer.
 */
const actingUsers = new WeakMap<object, CurrentUser>();

/** The session check and the user's row, in one query. */
async function signedInUser(db: Db): Promise<CurrentUser | null> {
  const session = await getServerSession(authOptions);
  return findSessionUser(db, session?.sid, session?.user?.id);
}

/** The signed-in user as a server action reads them before doing anything, kept for the page rendered after it. */
export async function actingUser(db: Db): Promise<CurrentUser | null> {
  const user = await signedInUser(db);
  if (user) actingUsers.set(await headers(), user);
  return user;
}

/**
 * The signed-in user as the database knows them now, or null. Cached per request, so layout and page share it.
 *
 * After a server action Next.js renders the page again in the same response, and its answer (decided,
 * perhaps committed) reaches the user only inside that page. When the database stops answering in between
 * (a saturated pool under load), the page falls back on the user the action authenticated moments before,
 * so the answer arrives instead of a 500; the balance in the header is then the one from before the
 * action, and the answer itself says what changed. Any other request still fails as before.
 */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  try {
    return await signedInUser(getDb());
  } catch (error) {
    const known = isDatabaseUnavailable(error) ? actingUsers.get(await headers()) : undefined;
    if (!known) throw error;
    console.warn("[once] the page after an action shows the user as the action read them: the database did not answer");
    return known;
  }
});
