import { PageHeading } from "@/components/page-heading";
import { TimeZoneForm } from "@/components/admin/settings-form";
import { setTimeZoneAction } from "@/app/admin/settings/actions";
import { getDb } from "@/lib/db/client";
import { getStoreTimeZone } from "@/lib/store-settings";
import { TIME_ZONES } from "@/lib/time-zones";
import { requireAdminPage } from "@/lib/web/page-guard";

export const dynamic = "force-dynamic";
export const metadata = { title: "Settings" };

export default async function SettingsPage() {
  await requireAdminPage();
  const timeZone = await getStoreTimeZone(getDb());
  return (
    <>
      <PageHeading
        title="Settings"
        description="How the store shows and reads dates. Every change is in the admin log."
      />
      <TimeZoneForm action={setTimeZoneAction} timeZone={timeZone} zones={TIME_ZONES} />
    </>
  );
}
