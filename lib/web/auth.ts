import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { verifyCredentials } from "@/lib/accounts";
import { sessionSecret } from "@/lib/env";
import { sameOriginPath } from "@/lib/callback-url";
import { getDb } from "@/lib/db/client";

export const authOptions: NextAuthOptions = {
  // A getter, so `next build` can import this module without the secret; serving cannot.
  get secret() {
    return sessionSecret();
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
