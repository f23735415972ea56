import { AdminSignInRequired } from "@/components/admin/sign-in-required";

// Rendered with status 401 when an admin page calls unauthorized() (lib/admin/page-guard.ts).
export default function AdminUnauthorizedPage() {
  return <AdminSignInRequired />;
}
