import "server-only";
import { getServerSession } from "next-auth";
import { cache } from "react";
import { type CurrentUser, findCurrentUser } from "@/lib/current-user";
import { getDb } from "@/lib/db/client";
import { authOptions } from "./auth";

/** The signed-in user's id from the session cookie; role and balance are never taken from here. */
export async function sessionUserId(): Promise<string | null> {
  const session = await getServerSession(authOptions);
  return session?.user?.id || null;
}

/** The signed-in user as the database knows them now, or null. Cached per request, so layout and page share it. */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> =>
  findCurrentUser(getDb(), await sessionUserId()),
);
