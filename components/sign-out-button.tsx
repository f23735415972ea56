"use client";

import { signOut } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Spinner } from "./spinner";

export function SignOutButton() {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      disabled={pending}
      onClick={async () => {
        setPending(true);
        // next-auth would send the browser to the configured URL's host (NEXTAUTH_URL); a relative
        // path keeps the host the user came by (127.0.0.1, a LAN name, a second domain).
        await signOut({ redirect: false });
        router.replace("/sign-in");
        router.refresh();
      }}
      className="inline-flex items-center gap-1.5 rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 hover:text-slate-900 disabled:opacity-60"
    >
      {pending && <Spinner className="size-3.5" />}
      Sign out
    </button>
  );
}
