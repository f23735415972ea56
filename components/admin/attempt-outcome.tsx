import type { AttemptRow } from "@/lib/admin/reports";
import { refusalLabel } from "@/lib/refusals";
import { Badge } from "./badges";

/** An attempt's outcome as the audit tables show it: redeemed, previewed in a cart, or its refusal. */
export function AttemptOutcome({
  attempt,
}: {
  attempt: Pick<AttemptRow, "outcome" | "source" | "reason" | "replayed">;
}) {
  return (
    <>
      {attempt.outcome === "REDEEMED" && <Badge tone="green">Redeemed</Badge>}
      {attempt.outcome === "PREVIEWED" && <Badge tone="blue">Applies</Badge>}
      {attempt.outcome === "REFUSED" && (
        <Badge tone={attempt.reason === "unknown_code" ? "red" : "amber"}>{refusalLabel(attempt.reason)}</Badge>
      )}
      {attempt.source === "CART_PREVIEW" && <span className="ml-1 text-xs text-slate-500">cart preview</span>}
      {attempt.replayed && <span className="ml-1 text-xs text-slate-500">replay</span>}
    </>
  );
}
