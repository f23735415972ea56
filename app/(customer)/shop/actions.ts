"use server";

import { randomUUID } from "node:crypto";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getCurrentUser } from "@/lib/web/auth";
import { getDb } from "@/lib/db/client";
import { purchaseMessage } from "@/lib/messages";
import { purchase } from "@/lib/wallet";

export type BuyOutcome =
  { ok: true; message: string; balanceCents: number } | { ok: false; reason: string; message: string };

export interface BuyFormState {
  /** The idempotency key the button submits next: fresh after every decided answer, kept when nothing happened. */
  key: string;
  outcome: BuyOutcome | null;
  /** Counts answers, so the same message twice in a row is still announced as a new one. */
  answer: number;
}

const formSchema = z.object({ productId: z.string(), idempotencyKey: z.string() });

export async function buy(previous: BuyFormState, formData: FormData): Promise<BuyFormState> {
  const answer = previous.answer + 1;
  const user = await getCurrentUser();
  if (!user)
    return {
      answer,
      key: previous.key,
      outcome: { ok: false, reason: "signed_out", message: "Your session has ended. Sign in again to buy this." },
    };
  const input = formSchema.safeParse({
    productId: formData.get("productId"),
    idempotencyKey: formData.get("idempotencyKey"),
  });
  if (!input.success)
    return {
      answer,
      key: previous.key,
      outcome: { ok: false, reason: "invalid_product", message: "That product doesn't exist (any more)." },
    };

  const result = await purchase(getDb(), {
    userId: user.id,
    productId: input.data.productId,
    idempotencyKey: input.data.idempotencyKey,
  });
  // Balances and which products are affordable change for every card, whatever this answer was.
  revalidatePath("/", "layout");

  if (result.ok)
    return {
      answer,
      key: randomUUID(),
      outcome: { ok: true, message: purchaseMessage(result), balanceCents: result.balanceCents },
    };
  // Refusals store nothing, so the next press may reuse the key; a fresh one avoids tying it to this answer.
  return {
    answer,
    key: result.reason === "busy" ? input.data.idempotencyKey : randomUUID(),
    outcome: { ok: false, reason: result.reason, message: purchaseMessage(result) },
  };
}
