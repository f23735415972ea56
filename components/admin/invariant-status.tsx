import { Callout } from "@/components/callout";
import { getDb } from "@/lib/db/client";
import { findViolations } from "@/lib/invariants";

/** Runs the invariant checker (whole-database queries, hence streamed in behind a Suspense boundary). */
export async function InvariantStatus() {
  const violations = await findViolations(getDb());
  if (violations.length === 0) {
    return (
      <Callout tone="success" title="All invariants hold" testId="invariant-status">
        Counts, per-customer usages, ledger entries, running balances and request records agree everywhere.
      </Callout>
    );
  }
  return (
    <Callout
      tone="error"
      title={`${violations.length} invariant violation${violations.length === 1 ? "" : "s"}`}
      testId="invariant-status"
    >
      <ul className="list-disc space-y-1 pl-5">
        {violations.map((v, i) => (
          <li key={i}>
            <strong>{v.invariant}</strong>: {v.detail}
          </li>
        ))}
      </ul>
    </Callout>
  );
}
