import { SiteHeader } from "@/components/site-header";
import { getCurrentUser } from "@/lib/web/session";

// Each page calls requireUser() itself (a layout does not know the path to come back to).
export default async function CustomerLayout({ children }: { children: React.ReactNode }) {
  const user = await getCurrentUser();
  return (
    <>
      <SiteHeader user={user} />
      <main id="main" className="mx-auto max-w-5xl px-4 py-8 sm:px-6 sm:py-12">
        {children}
      </main>
    </>
  );
}
