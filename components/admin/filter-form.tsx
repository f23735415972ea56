import { Callout } from "@/components/callout";

/** A GET form of filters: submitting changes the URL, so every filtered view can be linked and reloaded. */
export function FilterForm({
  action,
  children,
  resetHref,
}: {
  action: string;
  children: React.ReactNode;
  resetHref: string;
}) {
  return (
    <form
      action={action}
      method="get"
      className="flex flex-wrap items-end gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
      role="search"
    >
      {children}
      <div className="flex gap-2">
        <button
          type="submit"
          className="rounded-lg bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-700"
        >
          Apply
        </button>
        <a
          href={resetHref}
          className="rounded-lg border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50"
        >
          Reset
        </a>
      </div>
    </form>
  );
}

export function FilterInput({
  name,
  label,
  defaultValue,
  type = "text",
  placeholder,
}: {
  name: string;
  label: string;
  defaultValue?: string;
  type?: string;
  placeholder?: string;
}) {
  return (
    <label className="flex flex-col gap-1 text-xs font-medium text-slate-700">
      {label}
      <input
        name={name}
        type={type}
        defaultValue={defaultValue}
        placeholder={placeholder}
        className="rounded-lg border border-slate-300 px-3 py-2 text-sm font-normal text-slate-900"
      />
    </label>
  );
}

export function FilterSelect({
  name,
  label,
  defaultValue,
  options,
}: {
  name: string;
  label: string;
  defaultValue?: string;
  options: [string, string][];
}) {
  return (
    <label className="flex flex-col gap-1 text-xs font-medium text-slate-700">
      {label}
      <select
        name={name}
        defaultValue={defaultValue}
        className="rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm font-normal text-slate-900"
      >
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The From/To days of an audit page: inclusive days on the store's clocks (lib/admin/store-days.ts). */
export function DayRangeInputs({ from, to, zone }: { from?: string; to?: string; zone: string }) {
  return (
    <>
      <FilterInput name="from" label={`From (${zone} day)`} type="date" defaultValue={from} />
      <FilterInput name="to" label={`To (${zone} day)`} type="date" defaultValue={to} />
    </>
  );
}

/** A From day after the To day, pointed out under the form (the table below it is empty). */
export function DayRangeProblem({ problem }: { problem: string | null }) {
  return (
    problem && (
      <Callout tone="error" testId="date-range-problem">
        {problem}
      </Callout>
    )
  );
}

/** The "Export CSV" link of an audit page: the same filters as the table. */
export function ExportCsvLink({ href, testId }: { href: string; testId: string }) {
  return (
    <a
      href={href}
      className="rounded-lg border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-50"
      data-testid={testId}
      download
    >
      Export CSV
    </a>
  );
}
