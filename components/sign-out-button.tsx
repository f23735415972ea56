"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";
import { Spinner } from "./spinner";

export function SignOutButton() {
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      disabled={pending}
      onClick={() => {
        setPending(true);
        void signOut({ callbackUrl: "/sign-in" });
      }}
      className="inline-flex items-center gap-1.5 rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 hover:text-slate-900 disabled:opacity-60"
    >
      {pending && <Spinner className="size-3.5" />}
      Sign out
    </button>
  );
}
