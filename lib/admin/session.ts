import { getServerSession } from "next-auth";
import { authOptions } from "@/lib/auth";
import { getDb } from "@/lib/db/client";
import { isSessionActive } from "@/lib/sessions";

/**
 * The signed-in user's id from the session cookie, while its server-side session is open (signing out
 * ends it at once); the role is never taken from here (see guard.ts).
 */
export async function sessionUserId(): Promise<string | null> {
  const session = await getServerSession(authOptions);
  const id = session?.user?.id;
  if (!id || !(await isSessionActive(getDb(), session.sid, id))) return null;
  return id;
}
