"use server";

import { z } from "zod";
import type { StatusAnswer } from "@/components/admin/action-button";
import type { EndpointAnswer } from "@/components/admin/webhook-forms";
import { ADMIN_BUSY } from "@/lib/admin/messages";
import { adminAction, answering, fromForm } from "@/lib/web/actions";
import {
  createEndpoint,
  type EndpointRefusal,
  endpointSchema,
  eventTypesSchema,
  replayDelivery,
  sendTestEvent,
  setEndpointEnabled,
} from "@/lib/webhooks/endpoints";

/** The webhooks admin's server actions: thin, on `adminAction`; the domain audits inside its transaction. */

const REFUSED: Record<EndpointRefusal, string> = {
  not_found: "That endpoint or delivery no longer exists.",
  endpoint_disabled: "The endpoint is disabled: enable it first.",
  in_flight: "An attempt of this delivery is in flight; try again in a moment.",
  busy: ADMIN_BUSY,
};

const refused = (reason: EndpointRefusal) => ({ ok: false as const, reason, message: REFUSED[reason] });

/** Checkboxes named eventTypes arrive joined by commas; none ticked means every event. */
const createSchema = endpointSchema.extend({
  eventTypes: z
    .string()
    .optional()
    .transform((value) => (value ? value.split(",") : []))
    .pipe(eventTypesSchema),
});

const create = adminAction
  .inputSchema(fromForm(createSchema))
  .action(async ({ ctx, parsedInput }): Promise<EndpointAnswer> => {
    const result = await createEndpoint(ctx.db, ctx.admin.id, parsedInput);
    if (!result.ok) return refused(result.reason);
    return {
      ok: true,
      message: "Endpoint added. Copy its signing secret now: it is not shown again.",
      endpointId: result.value.id,
      secret: result.value.secret,
    };
  });

/** Adds an endpoint and answers its signing secret, once. */
export const createEndpointAction = answering(create);

const setEnabled = adminAction
  .inputSchema(fromForm(z.object({ endpointId: z.string(), enabled: z.enum(["true", "false"]) })))
  .action(async ({ ctx, parsedInput }): Promise<StatusAnswer<EndpointRefusal>> => {
    const enabled = parsedInput.enabled === "true";
    const result = await setEndpointEnabled(ctx.db, ctx.admin.id, parsedInput.endpointId, enabled);
    if (!result.ok) return refused(result.reason);
    if (!result.value.changed) return { ok: true, message: `Already ${enabled ? "enabled" : "disabled"}.` };
    return { ok: true, message: enabled ? "Enabled: waiting deliveries are sent again." : "Disabled.", undoable: true };
  });

/** Enables (failures reset, waiting deliveries queued) or disables an endpoint. */
export const setEndpointEnabledAction = answering(setEnabled);

const sendTest = adminAction
  .inputSchema(fromForm(z.object({ endpointId: z.string() })))
  .action(async ({ ctx, parsedInput }): Promise<StatusAnswer<EndpointRefusal>> => {
    const result = await sendTestEvent(ctx.db, ctx.admin.id, parsedInput.endpointId);
    if (!result.ok) return refused(result.reason);
    return { ok: true, message: "Test event queued: it appears below once sent." };
  });

/** Sends a webhook.test event to one endpoint. */
export const sendTestEventAction = answering(sendTest);

const replay = adminAction
  .inputSchema(fromForm(z.object({ deliveryId: z.string() })))
  .action(async ({ ctx, parsedInput }): Promise<StatusAnswer<EndpointRefusal>> => {
    const result = await replayDelivery(ctx.db, ctx.admin.id, parsedInput.deliveryId);
    if (!result.ok) return refused(result.reason);
    return { ok: true, message: "Replay queued (same webhook-id: a receiver that has it ignores it)." };
  });

/** Sends one delivery again. */
export const replayDeliveryAction = answering(replay);
