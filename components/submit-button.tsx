import { Spinner } from "./spinner";

interface SubmitButtonProps {
  pending: boolean;
  pendingLabel: string;
  children: React.ReactNode;
  disabled?: boolean;
  className?: string;
}

/** The primary action of a form. While pending it is disabled, so a second click cannot submit again. */
export function SubmitButton({ pending, pendingLabel, children, disabled = false, className = "" }: SubmitButtonProps) {
  return (
    <button
      type="submit"
      disabled={pending || disabled}
      aria-disabled={pending || disabled}
      className={`inline-flex min-h-11 items-center justify-center gap-2 rounded-lg bg-indigo-600 px-5 py-2.5 text-sm font-semibold text-white shadow-sm transition-colors hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-not-allowed disabled:bg-slate-300 disabled:text-slate-600 ${className}`}
    >
      {pending ? (
        <>
          <Spinner />
          <span>{pendingLabel}</span>
        </>
      ) : (
        children
      )}
    </button>
  );
}
