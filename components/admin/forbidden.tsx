import Link from "next/link";

/** What a signed-in customer sees at any admin URL. */
export function AdminForbidden() {
  return (
    <div
      className="mx-auto max-w-lg rounded-xl border border-rose-200 bg-white p-8 text-center shadow-sm"
      data-testid="admin-forbidden"
    >
      <p className="text-sm font-semibold tracking-wide text-rose-700">403 · Forbidden</p>
      <h1 className="mt-2 text-2xl font-semibold text-slate-900">Admins only</h1>
      <p className="mt-2 text-slate-600">
        Your account can redeem codes and spend credit, but this area is for store administrators.
      </p>
      <Link
        href="/redeem"
        className="mt-6 inline-flex rounded-lg bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-700"
      >
        Back to redeeming
      </Link>
    </div>
  );
}
