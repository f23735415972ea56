import { getServerSession } from "next-auth";
import { authOptions } from "@/lib/web/auth";

/** The signed-in user's id from the session cookie; the role is never taken from here (see guard.ts). */
export async function sessionUserId(): Promise<string | null> {
  const session = await getServerSession(authOptions);
  return session?.user?.id || null;
}
