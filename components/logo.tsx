import Link from "next/link";

export function Logo() {
  return (
    <Link
      href="/"
      className="inline-flex items-center gap-2 rounded-md text-lg font-semibold tracking-tight text-slate-900"
    >
      <span
        aria-hidden="true"
        className="grid size-7 place-items-center rounded-lg bg-indigo-600 text-sm font-bold text-white"
      >
        1×
      </span>
      Once
    </Link>
  );
}
