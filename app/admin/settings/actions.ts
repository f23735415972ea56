"use server";

import { ADMIN_BUSY } from "@/lib/admin/messages";
import { z } from "zod";
import type { TimeZoneAnswer } from "@/components/admin/settings-form";
import { setStoreTimeZone } from "@/lib/store-settings";
import { isTimeZone } from "@/lib/time-zones";
import { adminAction, answering, fromForm } from "@/lib/web/actions";

/** The store settings' server action: thin, on `adminAction`; the domain audits inside its transaction. */

const UNKNOWN_ZONE = "Choose a time zone from the list.";

const setTimeZone = adminAction
  .inputSchema(fromForm(z.object({ timeZone: z.string().refine(isTimeZone, UNKNOWN_ZONE) })))
  .action(async ({ ctx, parsedInput }): Promise<TimeZoneAnswer> => {
    const result = await setStoreTimeZone(ctx.db, ctx.admin.id, parsedInput.timeZone);
    if (result.ok) {
      const message = result.changed
        ? `Dates are now shown in ${result.timeZone}.`
        : `The store's time zone already is ${result.timeZone}.`;
      return { ok: true, timeZone: result.timeZone, message };
    }
    if (result.reason === "busy") {
      return { ok: false, reason: "busy", message: ADMIN_BUSY };
    }
    return { ok: false, reason: "unknown_zone", message: UNKNOWN_ZONE, fieldErrors: { timeZone: UNKNOWN_ZONE } };
  });

/** Sets the store's time zone (audited). */
export const setTimeZoneAction = answering(setTimeZone);
