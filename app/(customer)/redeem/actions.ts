"use server";

import { randomUUID } from "node:crypto";
import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { z } from "zod";
import { getCurrentUser } from "@/lib/web/auth";
import { RAW_CODE_MAX_LENGTH } from "@/lib/codes";
import { getDb } from "@/lib/db/client";
import { redeemMessage } from "@/lib/messages";
import { redeemCoupon } from "@/lib/redemptions";
import { requestMeta } from "@/lib/web/request-meta";

export type RedeemOutcome =
  | { ok: true; message: string; code: string; amountCents: number; balanceCents: number }
  | { ok: false; reason: string; message: string };

export interface RedeemFormState {
  /** The idempotency key the form submits next: fresh after every decided answer, kept when nothing happened. */
  key: string;
  /** What was typed, so a refusal keeps it in the input (React resets a form after its action). */
  code: string;
  outcome: RedeemOutcome | null;
  /** Counts answers, so the same message twice in a row is still announced as a new one. */
  answer: number;
}

const formSchema = z.object({ code: z.string(), idempotencyKey: z.string() });

export async function redeem(previous: RedeemFormState, formData: FormData): Promise<RedeemFormState> {
  const input = formSchema.safeParse({ code: formData.get("code"), idempotencyKey: formData.get("idempotencyKey") });
  const typed = input.success && input.data.code.length <= RAW_CODE_MAX_LENGTH ? input.data.code : "";

  const answer = previous.answer + 1;
  const user = await getCurrentUser();
  if (!user) {
    return {
      answer,
      key: previous.key,
      code: typed,
      outcome: {
        ok: false,
        reason: "signed_out",
        message: "Your session has ended. Sign in again to redeem this code.",
      },
    };
  }
  if (!input.success) {
    return {
      answer,
      key: previous.key,
      code: typed,
      outcome: { ok: false, reason: "invalid_code", message: "Enter a coupon code." },
    };
  }

  const result = await redeemCoupon(getDb(), {
    userId: user.id,
    code: input.data.code,
    idempotencyKey: input.data.idempotencyKey,
    meta: requestMeta(await headers()),
  });
  // The header shows the balance; another tab may have changed it even when this attempt was refused.
  revalidatePath("/", "layout");

  if (result.ok) {
    const { code, amountCents } = result.redemption;
    return {
      answer,
      key: randomUUID(),
      code: "",
      outcome: { ok: true, message: redeemMessage(result), code, amountCents, balanceCents: result.balanceCents },
    };
  }
  // `busy` decided nothing, so a retry reuses the key; any other answer is final for its key.
  return {
    answer,
    key: result.reason === "busy" ? input.data.idempotencyKey : randomUUID(),
    code: typed,
    outcome: { ok: false, reason: result.reason, message: redeemMessage(result) },
  };
}
