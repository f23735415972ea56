import type { z } from "zod";

/**
 * The audit tables' filters, judged one way: a page ignores a filter that fails its rule (it shows
 * everything else), an export refuses it before the first byte is streamed, since once the header row
 * is sent the status can no longer say so, and a download that silently ignored a mistyped filter would
 * hand over more rows than the admin asked for.
 */

/** A From day after the To day matches nothing: said so, rather than showing an empty table. */
export function dateRangeProblem(filters: { from?: string; to?: string }): string | null {
  return filters.from && filters.to && filters.from > filters.to
    ? `"From" (${filters.from}) is after "To" (${filters.to}): swap them to see that period.`
    : null;
}

export type ExportFilters<Filters> = { ok: true; filters: Filters } | { ok: false; field: string; message: string };

/** An export's filters from their strict parse, or which one is wrong and why (answered 400). */
export function exportFilters<Filters extends object>(parsed: z.ZodSafeParseResult<Filters>): ExportFilters<Filters> {
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0]);
    return { ok: false, field, message: `The ${field} filter is invalid: ${issue?.message}` };
  }
  const rangeProblem = dateRangeProblem(parsed.data as { from?: string; to?: string });
  if (rangeProblem) return { ok: false, field: "from", message: rangeProblem };
  return { ok: true, filters: parsed.data };
}
