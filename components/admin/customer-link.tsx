import Link from "next/link";

/** An email shown in the admin, linked to that person's customer page: every email, the same way. */
export function CustomerLink({ userId, email }: { userId: string; email: string }) {
  return (
    <Link href={`/admin/customers/${userId}`} className="text-indigo-700 hover:underline" data-testid="customer-link">
      {email}
    </Link>
  );
}
