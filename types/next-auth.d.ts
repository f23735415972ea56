import type { Role } from "@/lib/generated/prisma/client";

// The session carries the user's id and role; server code still re-reads both from the database.
declare module "next-auth" {
  interface Session {
    user: { id: string; role: Role; name?: string | null; email?: string | null };
    /** The server-side session (getServerSession only; /api/auth/session does not show it). */
    sid?: string;
  }
  interface User {
    role: Role;
    /** The server-side session opened by this sign-in (lib/sessions.ts). */
    sessionId: string;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    role?: Role;
    /** The server-side session this cookie belongs to; checked on every request. */
    sid?: string;
  }
}
