import Link from "next/link";

/**
 * An email shown in the admin, linked to that person's customer page: every email, the same way. Underlined,
 * since it often sits in a sentence (axe: link-in-text-block), and free to break, since emails can be long.
 */
export function CustomerLink({ userId, email }: { userId: string; email: string }) {
  return (
    <Link
      href={`/admin/customers/${userId}`}
      className="break-all text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700"
      data-testid="customer-link"
    >
      {email}
    </Link>
  );
}
