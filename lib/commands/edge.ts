import "server-only";
import type { z } from "zod";
import type { RequestMeta } from "@/lib/attempts";
import type { Db } from "@/lib/db/client";
import { isDatabaseUnavailable } from "@/lib/db/errors";
import { admitRedeemAttempt, type RateLimited, type RateLimitSettings, rateLimitSettings } from "@/lib/rate-limits";

/**
 * A command is one operation a caller can ask for (redeem, place an order, preview a cart's code, …) with
 * its edge declared beside it, once: the shape of its input, the rate limit it is charged against, and
 * how a retry is made safe. Every entry point (JSON route, server action, API-key route) runs a command
 * through `runCommand`, so none can skip the limit or the input rules; test/unit/edge.test.ts fails
 * when an entry point reaches a command's domain function any other way.
 */

export interface Actor {
  /** The customer the command acts for (the admin, for admin commands). */
  userId: string;
  meta: RequestMeta;
  /** Set when a store's server asks with an API key (lib/web/api-key-route.ts), which is rate-limited per key. */
  apiKeyId?: string;
}

/**
 * The guess budget (lib/rate-limits.ts admitRedeemAttempt): a call that tries a code is charged the
 * unknown-code cost up front, then settled by its outcome, so a code costs the same to try from the
 * redeem form, the API, an order or the cart's preview.
 */
export interface GuessLimit<Input, Result> {
  /** Whether this call tries a code (an order without one guesses nothing). */
  charges(input: Input): boolean;
  /** Whether the outcome leaves it a guess: an unknown or malformed code, or busy (outcome unknown). */
  guessed(result: Result): boolean;
}

/** How a retried request is made safe: a client's key claimed in a scope (lib/idempotency.ts), or the state it changes. */
export type Idempotency = { key: "required"; scope: string } | { key: "none"; by: "state" | "nothing_to_repeat" };

export interface CommandSpec<Input, Result extends { ok: boolean }> {
  readonly name: string;
  /** The input's shape and the shared input rules (lib/input-rules.ts); the domain judges the values. */
  readonly input: z.ZodType<Input>;
  // NoInfer: the result type is the one `run` returns, never widened to what a limit's callback accepts.
  readonly limit: GuessLimit<NoInfer<Input>, NoInfer<Result>> | null;
  readonly idempotency: Idempotency;
  /** `then` runs another command for the same actor through its own edge (a cart order is an order). */
  run(db: Db, actor: Actor, input: Input, then: RunAnother): Promise<Result>;
}

export type RunAnother = <Input, Result extends { ok: boolean }>(
  command: Command<Input, Result>,
  input: unknown,
) => Promise<Result | EdgeRefusal>;

/** A declared command: its edge, readable by anyone; its work, runnable only by runCommand. */
export type Command<Input, Result extends { ok: boolean }> = Omit<CommandSpec<Input, Result>, "run"> & {
  /** Types the results; there is no value behind it. */
  readonly __result?: Result;
};

// The work of each command, kept out of reach: calling it is possible only through runCommand, so no entry
// point can reach the domain past the input rules and the rate limit.
const works = new WeakMap<object, CommandSpec<never, { ok: boolean }>["run"]>();

/** Refused at the edge, before the command ran: nothing was tried. */
export type EdgeRefusal =
  (RateLimited & { replayed: false }) | { ok: false; reason: "invalid_input"; message: string; replayed: false };

export function defineCommand<Input, Result extends { ok: boolean }>(
  spec: CommandSpec<Input, Result>,
): Command<Input, Result> {
  const { run, ...edge } = spec;
  const command = Object.freeze(edge);
  works.set(command, run as CommandSpec<never, { ok: boolean }>["run"]);
  return command;
}

/** Runs a command behind its edge: input rules, then its rate limit (charged before, settled after). */
export async function runCommand<Input, Result extends { ok: boolean }>(
  db: Db,
  command: Command<Input, Result>,
  actor: Actor,
  raw: unknown,
  settings: RateLimitSettings = rateLimitSettings(),
): Promise<Result | EdgeRefusal> {
  const parsed = command.input.safeParse(raw);
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? "Check what you sent.";
    return { ok: false, reason: "invalid_input", message, replayed: false };
  }
  const input = parsed.data;
  const work = works.get(command) as CommandSpec<Input, Result>["run"];
  const then: RunAnother = (another, anotherInput) => runCommand(db, another, actor, anotherInput, settings);
  if (!command.limit?.charges(input)) return work(db, actor, input, then);

  // A key's calls come from the store's few servers on behalf of all its customers: their address is
  // not a client's, so a key's guesses are charged per customer (and its requests per key) instead.
  const address = actor.apiKeyId ? null : actor.meta.ip;
  const admission = await admitRedeemAttempt(db, { userId: actor.userId, address }, settings);
  if (!admission.ok) return { ...admission, replayed: false };
  const result = await work(db, actor, input, then);
  try {
    await admission.settle(command.limit.guessed(result) ? "unknown_code" : "known_code");
  } catch (error) {
    // The command has decided (perhaps committed): a database too busy to take the settlement must not
    // turn that answer into a 503. The attempt then stays charged its up-front cost, the stricter one.
    if (!isDatabaseUnavailable(error)) throw error;
    console.warn("[once] a rate limit was left charged its up-front cost: the database did not answer in time");
  }
  return result;
}

export function isEdgeRefusal(result: { ok: boolean; reason?: string }): result is EdgeRefusal {
  return !result.ok && (result.reason === "rate_limited" || result.reason === "invalid_input");
}

/** The outcomes that leave an attempt a guess: the code was unknown or malformed, or the database busy. */
export function guessedCode(result: { ok: boolean; reason?: string }): boolean {
  return (
    !result.ok && (result.reason === "unknown_code" || result.reason === "invalid_code" || result.reason === "busy")
  );
}
