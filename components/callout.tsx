type Tone = "success" | "error" | "info";

const STYLES: Record<Tone, { box: string; icon: string }> = {
  success: { box: "border-emerald-200 bg-emerald-50 text-emerald-900", icon: "text-emerald-600" },
  error: { box: "border-rose-200 bg-rose-50 text-rose-900", icon: "text-rose-600" },
  info: { box: "border-sky-200 bg-sky-50 text-sky-900", icon: "text-sky-600" },
};

const ICONS: Record<Tone, string> = {
  success: "M9 12.75 11.25 15 15 9.75M21 12a9 9 0 1 1-18 0 9 9 0 0 1 18 0Z",
  error: "M12 9v3.75m9-.75a9 9 0 1 1-18 0 9 9 0 0 1 18 0Zm-9 3.75h.008v.008H12v-.008Z",
  info: "m11.25 11.25.041-.02a.75.75 0 0 1 1.063.852l-.708 2.836a.75.75 0 0 0 1.063.853l.041-.021M21 12a9 9 0 1 1-18 0 9 9 0 0 1 18 0Zm-9-3.75h.008v.008H12V8.25Z",
};

/** Inline feedback after an action. Place it inside an aria-live region so it is announced. */
export function Callout({
  tone,
  title,
  children,
  testId,
}: {
  tone: Tone;
  title?: string;
  children: React.ReactNode;
  testId?: string;
}) {
  const style = STYLES[tone];
  return (
    <div className={`flex gap-3 rounded-lg border p-4 text-sm ${style.box}`} data-testid={testId} data-tone={tone}>
      <svg
        aria-hidden="true"
        viewBox="0 0 24 24"
        fill="none"
        strokeWidth="1.75"
        stroke="currentColor"
        className={`mt-0.5 size-5 shrink-0 ${style.icon}`}
      >
        <path strokeLinecap="round" strokeLinejoin="round" d={ICONS[tone]} />
      </svg>
      <div className="space-y-1">
        {title && <p className="font-semibold">{title}</p>}
        <div>{children}</div>
      </div>
    </div>
  );
}
