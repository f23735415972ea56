import "server-only";
import type { Command } from "@/lib/commands/edge";
import { type RouteCaller, type RouteSpec, commandRoute } from "./command-route";
import { problem } from "./http";
import { requestMeta } from "./request-meta";
import { getCurrentUser } from "./session";

/**
 * The customer's JSON endpoints (POST /api/redemptions, /api/orders, /api/orders/{id}/cancel): a command
 * behind the shared JSON edge (lib/web/command-route.ts), for the customer signed in by cookie (401 if
 * none). The customer is the actor: the guess budget is theirs and their address's.
 */

export type CustomerRouteSpec<Result extends { ok: boolean; replayed?: boolean }> = RouteSpec<Result>;

const signedInCustomer: RouteCaller<{ id: string }> = {
  async identify() {
    const user = await getCurrentUser();
    return user ?? problem(401, "unauthenticated", "Sign in first; this endpoint uses the session cookie.");
  },
  async actor(_db, user, _parts, request) {
    return { userId: user.id, meta: requestMeta(request.headers) };
  },
};

export function customerRoute<Input, Result extends { ok: boolean; replayed?: boolean; reason?: string }>(
  command: Command<Input, Result>,
  spec: CustomerRouteSpec<Result>,
) {
  return commandRoute(command, spec, signedInCustomer);
}
