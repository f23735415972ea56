"use server";

import { z } from "zod";
import type { StatusAnswer } from "@/components/admin/action-button";
import { clearRateLimitLock } from "@/lib/admin/rate-limit-locks";
import { adminAction, answering, fromForm } from "@/lib/web/actions";

const clearLock = adminAction
  .inputSchema(fromForm(z.object({ key: z.string().min(3).max(400) })))
  .action(async ({ ctx, parsedInput }): Promise<StatusAnswer<"unknown_policy">> => {
    const result = await clearRateLimitLock(ctx.db, ctx.admin.id, parsedInput.key);
    if (!result.ok) return { ok: false, reason: result.reason, message: "That is not a rate-limit lock." };
    return {
      ok: true,
      message: result.cleared ? "Lock cleared: the next attempt is allowed." : "That lock had already ended.",
    };
  });

/** Lifts one rate-limit lock at once (audited), e.g. for a customer who was locked out by mistake. */
export const clearRateLimitLockAction = answering(clearLock);
