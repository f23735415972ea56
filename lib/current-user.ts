import "server-only";
import type { Role } from "@/lib/generated/prisma/client";
import type { Db } from "./db/client";

export interface CurrentUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  balanceCents: number;
}

/** What a request knows about who is asking. */
export const CURRENT_USER_FIELDS = { id: true, email: true, name: true, role: true, balanceCents: true } as const;

/**
 * The user a session names, as the database knows them now, or null. The session only says who is
 * asking; role and balance always come from this read, so demoting an admin takes effect on their next
 * request, not at token expiry; a disabled account reads as signed out. Pages, actions and routes all go through it.
 */
export async function findCurrentUser(db: Db, userId: string | null | undefined): Promise<CurrentUser | null> {
  if (!userId) return null;
  return db.user.findUnique({ where: { id: userId, disabled: false }, select: CURRENT_USER_FIELDS });
}
