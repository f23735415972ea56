import type { Metadata } from "next";
import { AdminNav } from "@/components/admin/admin-nav";
import { SiteHeader } from "@/components/site-header";
import { getCurrentUser } from "@/lib/web/session";

export const metadata: Metadata = { title: { default: "Admin", template: "%s · Admin · Once" } };

// Only the chrome: each page checks the role itself (requireAdminPage), and customers get no admin nav.
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const user = await getCurrentUser();
  return (
    <>
      <SiteHeader user={user} />
      {user?.role === "ADMIN" && <AdminNav />}
      <main id="main" className="mx-auto max-w-7xl px-4 py-8 sm:px-6">
        {children}
      </main>
    </>
  );
}
