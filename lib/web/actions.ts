import "server-only";
import { randomUUID } from "node:crypto";
import { revalidatePath } from "next/cache";
import { type MiddlewareResult, createSafeActionClient, returnServerError } from "next-safe-action";
import { z } from "zod";
import type { ActionRefusal, ActionResult, EchoFormState, FieldErrors, IdempotentFormState } from "@/lib/action-result";
import { REFUSAL_MESSAGE, adminCheck } from "@/lib/admin/guard";
import { ADMIN_BUSY } from "@/lib/admin/messages";
import { idempotencyKeySchema } from "@/lib/codes";
import { type Command, type EdgeRefusal, runCommand } from "@/lib/commands/edge";
import { type Db, getDb } from "@/lib/db/client";
import { isDatabaseUnavailable } from "@/lib/db/errors";
import { rateLimitedMessage } from "@/lib/messages";
import { currentRequestMeta } from "./request-meta";
import { actingUser } from "./session";

/**
 * The one way to write a server action: a next-safe-action client per auth level, then an adapter that
 * gives the component its typed answer. In order, every action
 *   1. authenticates: the user (and for admins the role) re-read from the database, never taken from
 *      the session token, and before the submitted form is even looked at;
 *   2. validates the form with the action's zod schema (`fromForm`);
 *   3. runs its own code, which runs a command through its edge (`ctx.run`: input rules, rate limit,
 *      lib/commands/edge.ts) or, for an admin's edit, calls the domain, and maps the result to an `ActionResult`;
 *   4. refreshes the layout (balances in the header, counts on the admin pages) once its code has run; the
 *      page Next.js renders with the answer falls back on the user read in step 1 when the database stops
 *      answering in between, so a decided answer is not lost to a 500 (lib/web/session.ts getCurrentUser);
 *   5. answers: its own result, or one of the shared refusals of lib/action-result.ts. An unexpected
 *      error is mapped here, once: a database that is down or saturated is "busy", anything else "failed"
 *      (logged), and the caller gets an answer instead of an error page.
 * Server actions are public HTTP endpoints: whatever a client sends, including no arguments at all, gets
 * one of these answers.
 */

type Refused = { ok: false; reason: ActionRefusal; message: string; fieldErrors?: FieldErrors };
type Refusal = Omit<Refused, "ok">;

const BUSY: Refusal = { reason: "busy", message: ADMIN_BUSY };
const FAILED: Refusal = {
  reason: "failed",
  message: "Something went wrong. Reload the page to see where things stand, then try again.",
};
const SIGNED_OUT: Refusal = {
  reason: "unauthenticated",
  message: "Your session has ended. Sign in again to continue.",
};

const actionClient = createSafeActionClient({
  defaultValidationErrorsShape: "flattened",
  handleServerError(error): Refusal {
    if (isDatabaseUnavailable(error)) return BUSY;
    console.error("[once] server action failed:", error);
    return FAILED;
  },
});

/** Anyone may call it (sign-up). */
export const anonymousAction = actionClient.use(({ next }) => next({ ctx: { db: getDb() } }));

/** Runs a command as `userId` through its edge, with this request's address for its limits and log. */
export type RunCommand = <Input, Result extends { ok: boolean }>(
  command: Command<Input, Result>,
  input: unknown,
) => Promise<Result | EdgeRefusal>;

function commandRunner(db: Db, userId: string): RunCommand {
  return async (command, input) => runCommand(db, command, { userId, meta: await currentRequestMeta() }, input);
}

/** A signed-in user (customer or admin), as the database knows them now; `ctx.run` runs commands for them. */
export const customerAction = anonymousAction.use(async ({ ctx, next }) => {
  const user = await actingUser(ctx.db);
  if (!user) returnServerError(SIGNED_OUT);
  return refreshAfter(await next({ ctx: { user, run: commandRunner(ctx.db, user.id) } }));
});

/** An admin: the role re-read on every call, so a demotion takes effect on the next request; `ctx.run` acts as them. */
export const adminAction = anonymousAction.use(async ({ ctx, next }) => {
  const check = adminCheck(await actingUser(ctx.db));
  if (!check.ok) returnServerError({ reason: check.reason, message: REFUSAL_MESSAGE[check.reason] });
  return refreshAfter(await next({ ctx: { admin: check.admin, run: commandRunner(ctx.db, check.admin.id) } }));
});

/**
 * After an action's code ran (or redirected), every page may show something it changed: the balance in
 * the header, counts on the admin pages, affordability in the shop. Also after a refusal, since another
 * tab may have changed the same things meanwhile.
 */
function refreshAfter<Result extends MiddlewareResult<unknown, object>>(result: Result): Result {
  if (result.success || result.navigationKind) revalidatePath("/", "layout");
  return result;
}

/** A refusal of a command's edge as an action answers it: nothing was tried. */
export function edgeAnswer(result: EdgeRefusal): { ok: false; reason: "invalid" | "rate_limited"; message: string } {
  return result.reason === "invalid_input"
    ? { ok: false, reason: "invalid", message: result.message }
    : { ok: false, reason: "rate_limited", message: rateLimitedMessage(result) };
}

/** The action's schema applied to a submitted form: each field's text, by name. */
export function fromForm<Schema extends z.ZodType>(schema: Schema) {
  return z.preprocess((input) => (input instanceof FormData ? formFields(input) : input), schema);
}

/** A name sent more than once (a group of checkboxes) gives its values joined by commas. */
function formFields(formData: FormData): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of formData) {
    if (typeof value === "string") fields[name] = name in fields ? `${fields[name]},${value}` : value;
  }
  return fields;
}

/** A field's text to show again in the form, or "" when there is none or it is too long to be worth echoing. */
export function echoedField(formData: FormData | undefined, name: string, maxLength = 1_000): string {
  const value = formData instanceof FormData ? formData.get(name) : null;
  return typeof value === "string" && value.length <= maxLength ? value : "";
}

/** What next-safe-action returns, narrowed to the shapes these clients produce. */
interface SafeResult<Result> {
  data?: Result;
  serverError?: Refusal;
  validationErrors?: { formErrors: string[]; fieldErrors: Partial<Record<string, string[]>> };
}

type BuiltAction<Result> = (input: FormData) => Promise<SafeResult<Result>>;

/** One typed answer for every way an action ends: its own result, a refusal before it ran, or invalid input. */
export function answerOf<Result extends ActionResult<object, string>>(result: SafeResult<Result>): Result | Refused {
  if (result.data) return result.data;
  if (result.serverError) return { ok: false, ...result.serverError };
  if (result.validationErrors) {
    const fieldErrors: FieldErrors = {};
    for (const [field, messages] of Object.entries(result.validationErrors.fieldErrors)) {
      if (messages?.[0]) fieldErrors[field] = messages[0];
    }
    const messages = [...result.validationErrors.formErrors, ...Object.values(fieldErrors)];
    const message = messages.length === 1 ? messages[0]! : "Check the highlighted fields.";
    return { ok: false, reason: "invalid", message, fieldErrors };
  }
  return { ok: false, ...FAILED };
}

/** A hand-made request can pass anything where React passes the form: the values are read from a form only. */
const asForm = (input: unknown): FormData | undefined => (input instanceof FormData ? input : undefined);

/** For a button or form that shows the answer and nothing else: `useActionState(action, null)`. */
export function answering<Result extends ActionResult<object, string>>(action: BuiltAction<Result>) {
  return async (_previous: unknown, formData: FormData): Promise<Result | Refused> => answerOf(await action(formData));
}

/** For a form that shows its inputs again as typed, whatever the answer. */
export function answeringWithValues<Result extends ActionResult<object, string>, Values>(
  action: BuiltAction<Result>,
  readValues: (formData: FormData | undefined) => Values,
) {
  return async (_previous: unknown, formData: FormData): Promise<EchoFormState<Result | Refused, Values>> => {
    const result = answerOf(await action(formData));
    return { values: readValues(asForm(formData)), result };
  };
}

const DECIDED_NOTHING: ReadonlySet<string> = new Set<ActionRefusal>([
  "unauthenticated",
  "forbidden",
  "invalid",
  "busy",
  "failed",
]);

/**
 * For a form that carries an idempotency key (`idempotencyKey`): after a decided answer (done, or refused
 * by the domain) the form gets a fresh key, so the next press is a new request; after an answer that
 * decided nothing (signed out, invalid input, busy, failed) it keeps the key it sent, so a retry can
 * never apply twice. A success clears the inputs; a refusal keeps them as typed.
 */
export function answeringWithKey<Result extends ActionResult<object, string>, Values>(
  action: BuiltAction<Result>,
  readValues: (formData: FormData | undefined) => Values,
) {
  return async (previous: unknown, formData: FormData): Promise<IdempotentFormState<Result | Refused, Values>> => {
    const result = answerOf(await action(formData));
    const sent = idempotencyKeySchema.safeParse(formData instanceof FormData ? formData.get("idempotencyKey") : null);
    const keepKey = !result.ok && DECIDED_NOTHING.has(result.reason) && sent.success;
    return {
      key: keepKey ? sent.data : randomUUID(),
      values: readValues(result.ok ? undefined : asForm(formData)),
      result,
      answer: answerCount(previous) + 1,
    };
  };
}

function answerCount(previous: unknown): number {
  const count = (previous as { answer?: unknown } | null)?.answer;
  return typeof count === "number" && Number.isSafeInteger(count) ? count : 0;
}

/** The state a keyed form starts from, rendered by its page: a fresh key for every rendering. */
export function initialKeyedState<Values>(values: Values): IdempotentFormState<never, Values> {
  return { key: randomUUID(), values, result: null, answer: 0 };
}
