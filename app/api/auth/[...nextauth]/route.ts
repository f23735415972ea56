import NextAuth from "next-auth";
import { authRouteOptions } from "@/lib/web/auth";

const handler = NextAuth(authRouteOptions);

export { handler as GET, handler as POST };
