import { cookies } from "next/headers";
import { ServerZoneProvider } from "@/components/browser-zone";
import { SiteHeader } from "@/components/site-header";
import { DEFAULT_TIME_ZONE, ZONE_COOKIE, isTimeZone } from "@/lib/time-zones";
import { getCurrentUser } from "@/lib/web/session";

// Each page calls requireUser() itself (a layout does not know the path to come back to).
export default async function CustomerLayout({ children }: { children: React.ReactNode }) {
  const user = await getCurrentUser();
  // Only a zone this runtime knows is used; anything else in the cookie is ignored.
  const cookieZone = (await cookies()).get(ZONE_COOKIE)?.value ?? "";
  return (
    <ServerZoneProvider zone={isTimeZone(cookieZone) ? cookieZone : DEFAULT_TIME_ZONE}>
      <SiteHeader user={user} />
      <main id="main" className="mx-auto max-w-5xl px-4 py-8 sm:px-6 sm:py-12">
        {children}
      </main>
    </ServerZoneProvider>
  );
}
