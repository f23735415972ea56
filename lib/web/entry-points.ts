/**
 * Every way in marks itself with the edge it was built by, so a test can list the app's entry points
 * and prove each one reaches its command through the edge (test/unit/edge.test.ts), the way the
 * authorization matrix proves each admin entry point checks the role.
 */

export type EntryKind = "customer-route" | "api-key-route" | "admin-route" | "customer-action" | "admin-action";

export interface EntryMark {
  kind: EntryKind;
  /** The command it runs (lib/commands), or null for an entry point that runs none (an admin's coupon edit). */
  command: string | null;
}

const ENTRY = Symbol.for("once.entry-point");

export type EntryPoint<Fn> = Fn & { readonly [ENTRY]: EntryMark };

export function markEntryPoint<Fn extends object>(fn: Fn, mark: EntryMark): EntryPoint<Fn> {
  return Object.assign(fn, { [ENTRY]: mark }) as EntryPoint<Fn>;
}

/** The mark an export carries, or null for a function no edge built. */
export function entryMarkOf(value: unknown): EntryMark | null {
  if (typeof value !== "function") return null;
  return (value as { [ENTRY]?: EntryMark })[ENTRY] ?? null;
}
