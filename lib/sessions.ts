import type { Role, SessionEndReason } from "@/lib/generated/prisma/client";
import type { CurrentUser } from "./current-user";
import type { Db } from "./db/client";

/**
 * Server-side sessions behind the session cookie. The cookie (a next-auth JWT) names a row here, and a
 * request is signed in only while that row is open, unexpired and its user not disabled, so signing
 * out, a password change or disabling the account ends the session on every instance at once, not at
 * the cookie's expiry (the last two by a database trigger, see the sessions migration).
 *
 * Lifetimes are absolute, from sign-in: a week for customers (a shop's usual "stay signed in", and store
 * credit is money, so not months), twelve hours for admins, who can create value and revoke it.
 */

export const SESSION_LIFETIME_SECONDS: Record<Role, number> = {
  CUSTOMER: 7 * 24 * 60 * 60,
  ADMIN: 12 * 60 * 60,
};

/** The longest lifetime: how long the cookie itself may live. */
export const SESSION_COOKIE_MAX_AGE_SECONDS = Math.max(...Object.values(SESSION_LIFETIME_SECONDS));

/**
 * Opens a session for a user whose password just verified against `passwordHash`, or returns null when
 * that is no longer true. One statement re-checks the hash and `disabled` on the user row it locks
 * FOR SHARE: a concurrent password change or disable either waits for this insert and then ends the new
 * session with its trigger, or commits first and leaves nothing here to insert.
 */
export async function openSession(
  db: Db,
  user: { id: string; role: Role; passwordHash: string },
): Promise<string | null> {
  const lifetime = SESSION_LIFETIME_SECONDS[user.role];
  const [row] = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO "sessions" ("user_id", "expires_at")
    SELECT "id", CURRENT_TIMESTAMP + make_interval(secs => ${lifetime}) FROM "users"
    WHERE "id" = ${user.id}::uuid AND "password_hash" = ${user.passwordHash} AND NOT "disabled"
    FOR SHARE
    RETURNING "id"`;
  return row?.id ?? null;
}

/** Ends one session (signing out). Ending an ended or unknown session changes nothing. */
export async function endSession(db: Db, sessionId: string, reason: SessionEndReason = "SIGNED_OUT") {
  if (!isUuid(sessionId)) return false;
  const ended = await db.session.updateMany({
    where: { id: sessionId, endedAt: null },
    data: { endedAt: new Date(), endReason: reason },
  });
  return ended.count === 1;
}

/**
 * The where-clause of an open session (not ended, not expired), for reads that fold the check into the
 * user they load; null for a session id that cannot exist.
 */
export function openSessionWhere(sessionId: unknown) {
  if (!isUuid(sessionId)) return null;
  return { id: sessionId, endedAt: null, expiresAt: { gt: new Date() } };
}

/** Whether this session of this user is still open, unexpired and the user still enabled. */
export async function isSessionActive(db: Db, sessionId: unknown, userId: unknown): Promise<boolean> {
  const open = openSessionWhere(sessionId);
  if (!open || !isUuid(userId)) return false;
  return (await db.session.count({ where: { ...open, userId, user: { disabled: false } } })) === 1;
}

/**
 * The user this session of this user belongs to, while the session is open, unexpired and the user
 * enabled: isSessionActive and findCurrentUser in one statement (the session row joined to its user;
 * Prisma's nested select would send two), so a signed-in request reads the database once before its
 * own work. The columns are CurrentUser's (CURRENT_USER_FIELDS), named for it.
 */
export async function findSessionUser(db: Db, sessionId: unknown, userId: unknown): Promise<CurrentUser | null> {
  const open = openSessionWhere(sessionId);
  if (!open || !isUuid(userId)) return null;
  const [user] = await db.$queryRaw<CurrentUser[]>`
    SELECT u."id"::text AS "id", u."email", u."name", u."role"::text AS "role", u."balance_cents" AS "balanceCents"
    FROM "sessions" s JOIN "users" u ON u."id" = s."user_id"
    WHERE s."id" = ${open.id}::uuid AND s."user_id" = ${userId}::uuid AND s."ended_at" IS NULL
      AND s."expires_at" > ${open.expiresAt.gt} AND NOT u."disabled"`;
  return user ?? null;
}

function isUuid(value: unknown): value is string {
  return typeof value === "string" && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
