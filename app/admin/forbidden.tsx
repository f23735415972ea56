import { AdminForbidden } from "@/components/admin/forbidden";

// Rendered with status 403 when an admin page calls forbidden() (lib/admin/page-guard.ts).
export default function AdminForbiddenPage() {
  return <AdminForbidden />;
}
