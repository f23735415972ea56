import "server-only";
import { redirect } from "next/navigation";
import { signInPath } from "@/lib/callback-url";
import type { CurrentUser } from "@/lib/current-user";
import { getCurrentUser } from "./session";

/** For pages: the current user, or a redirect to sign-in that comes back to `returnTo`. */
export async function requireUser(returnTo: string): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) redirect(signInPath(returnTo));
  return user;
}

/**
 * For admin pages: signed out → redirect to sign-in (coming back to `path`); signed in but not an admin
 * → null, and the page renders the 403 panel instead of its content. The role comes from the database
 * (getCurrentUser re-reads it). Every page calls this itself: on client navigation Next.js may render a
 * page without re-rendering the layout above it, so the layout's check alone would not protect it.
 */
export async function requireAdminPage(path: string): Promise<CurrentUser | null> {
  const user = await getCurrentUser();
  if (!user) redirect(signInPath(path));
  return user.role === "ADMIN" ? user : null;
}
