import "server-only";
import { forbidden, redirect, unauthorized } from "next/navigation";
import { adminCheck } from "@/lib/admin/guard";
import { signInPath } from "@/lib/callback-url";
import type { CurrentUser } from "@/lib/current-user";
import { getCurrentUser } from "./session";

/** For customer pages: the current user, or a redirect to sign-in that comes back to `returnTo`. */
export async function requireUser(returnTo: string): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) redirect(signInPath(returnTo));
  return user;
}

/**
 * For admin pages: the signed-in admin, or the request ends here: signed out → 401 with a sign-in link
 * back to the page (app/admin/unauthorized.tsx), signed in without the role → 403
 * (app/admin/forbidden.tsx). The role comes from the database (getCurrentUser re-reads it). Every page
 * calls this itself: on client navigation Next.js may render a page without re-rendering the layout
 * above it, so the layout's check alone would not protect it.
 */
export async function requireAdminPage(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) unauthorized();
  if (!adminCheck(user).ok) forbidden();
  return user;
}
