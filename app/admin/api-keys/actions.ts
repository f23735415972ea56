"use server";

import { z } from "zod";
import type { StatusAnswer } from "@/components/admin/action-button";
import type { ApiKeyCreated } from "@/components/admin/api-key-forms";
import { createApiKey, revokeApiKey } from "@/lib/api-keys";
import { ADMIN_BUSY } from "@/lib/admin/messages";
import { adminAction, answering, fromForm } from "@/lib/web/actions";

/** The API keys page's actions: thin, on `adminAction`; lib/api-keys.ts validates and audits. */

const create = adminAction
  .inputSchema(fromForm(z.object({ name: z.string().default(""), scopes: z.string().default("") })))
  .action(async ({ ctx, parsedInput }): Promise<ApiKeyCreated> => {
    const scopes = parsedInput.scopes.split(",").filter(Boolean);
    const result = await createApiKey(ctx.db, { name: parsedInput.name, scopes: scopes as never }, ctx.admin.id);
    if (result.ok) {
      return {
        ok: true,
        message: `Key "${result.key.name}" created. Copy its secret now: it is not shown again.`,
        secret: result.secret,
        prefix: result.key.prefix,
      };
    }
    if (result.reason === "busy") return { ok: false, reason: "busy", message: ADMIN_BUSY };
    return { ok: false, reason: "invalid", message: result.message, fieldErrors: { [result.field]: result.message } };
  });

/** Creates a key with a name and scopes; the answer carries its secret, once. */
export const createApiKeyAction = answering(create);

const revoke = adminAction
  .inputSchema(fromForm(z.object({ keyId: z.string() })))
  .action(async ({ ctx, parsedInput }): Promise<StatusAnswer<"not_found" | "already_revoked">> => {
    const result = await revokeApiKey(ctx.db, parsedInput.keyId, ctx.admin.id);
    if (result.ok) return { ok: true, message: `Key "${result.key.name}" revoked: its next request is refused.` };
    if (result.reason === "busy") return { ok: false, reason: "busy", message: ADMIN_BUSY };
    const message = result.reason === "not_found" ? "That key no longer exists." : "That key was already revoked.";
    return { ok: false, reason: result.reason, message };
  });

/** Revokes a key, at once for every instance (each request reads the key's row). */
export const revokeApiKeyAction = answering(revoke);
