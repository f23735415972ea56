/**
 * What a server action answers, as the components that show it see it. Every action is built with the
 * action clients in lib/web/actions.ts, which add the refusals below to the action's own typed reasons,
 * so a component can switch over every reason it may receive and none is widened to `string`.
 */

/** Answers any action may give instead of its own: who asked, what was sent, or the database's state. */
export type ActionRefusal =
  /** Signed out, or the session names a user who no longer exists. */
  | "unauthenticated"
  /** Signed in, but without the role the action needs. */
  | "forbidden"
  /** The input did not match the action's schema; `fieldErrors` says where. */
  | "invalid"
  /** The database could not be reached in time; nothing changed, and a retry (with the same key) is safe. */
  | "busy"
  /** Anything unexpected; logged on the server, and nothing was changed. */
  | "failed";

export type FieldErrors<Field extends string = string> = Partial<Record<Field, string>>;

export type ActionResult<Ok extends object = object, Reason extends string = never, Field extends string = string> =
  | ({ ok: true; message: string } & Ok)
  | { ok: false; reason: Reason | ActionRefusal; message: string; fieldErrors?: FieldErrors<Field> };

/** A form that submits an idempotency key: what it shows and sends next, as the server decided it. */
export interface IdempotentFormState<Result, Values> {
  /** The key the form submits next: fresh after a decided answer, the same one after an answer that decided nothing. */
  key: string;
  /** What was typed, so a refusal keeps it in the inputs (React resets a form after its action). */
  values: Values;
  result: Result | null;
  /** Counts answers, so the same message twice in a row is still announced as a new one. */
  answer: number;
}

/** A form whose inputs are echoed back, so a refusal keeps every field as typed. */
export interface EchoFormState<Result, Values> {
  values: Values;
  result: Result | null;
}
