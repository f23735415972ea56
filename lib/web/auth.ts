import { type NextAuthOptions, getServerSession } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { redirect } from "next/navigation";
import { cache } from "react";
import type { Role } from "@/lib/generated/prisma/client";
import { verifyCredentials } from "@/lib/accounts";
import { authSecret } from "@/lib/auth-secret";
import { sameOriginPath, signInPath } from "@/lib/callback-url";
import { getDb } from "@/lib/db/client";

export const authOptions: NextAuthOptions = {
  // A getter, so `next build` can import this module without the secret; serving cannot.
  get secret() {
    return authSecret();
  },
  session: { strategy: "jwt" },
  pages: { signIn: "/sign-in" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      // null means "wrong email or password", whichever it was: the sign-in page says only that.
      authorize: (credentials) =>
        verifyCredentials(getDb(), { email: credentials?.email, password: credentials?.password }),
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) token.role = user.role;
      return token;
    },
    session({ session, token }) {
      session.user = { id: token.sub ?? "", role: token.role ?? "CUSTOMER", name: token.name, email: token.email };
      return session;
    },
    redirect({ url, baseUrl }) {
      const path = url.startsWith(baseUrl) ? url.slice(baseUrl.length) || "/" : url;
      return `${baseUrl}${sameOriginPath(path) ?? "/"}`;
    },
  },
};

export interface CurrentUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  balanceCents: number;
}

/**
 * The signed-in user as the database knows them now, or null. The session only says who is asking;
 * role and balance always come from this read. Cached per request, so layout and page share it.
 */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  const session = await getServerSession(authOptions);
  const id = session?.user?.id;
  if (!id) return null;
  return getDb().user.findUnique({
    where: { id },
    select: { id: true, email: true, name: true, role: true, balanceCents: true },
  });
});

/** For pages: the current user, or a redirect to sign-in that comes back to `returnTo`. */
export async function requireUser(returnTo: string): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) redirect(signInPath(returnTo));
  return user;
}
