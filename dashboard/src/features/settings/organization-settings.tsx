"use client";

import { useTranslations } from "next-intl";
import { PageHeader } from "@/components/page-parts";
import { HolidaysCard } from "./holidays-card";
import { OptOutCard } from "./opt-out-card";
import { OrganizationCard } from "./organization-card";

/**
 * The organization's settings, readable by every member: its name, time zone and default country (owners and
 * admins change them), the words that opt a person out, and the holiday calendar (owners, admins and marketers
 * change those). Who may change what mirrors the API's roles (lib/permissions.ts); the API still decides.
 */
export function OrganizationSettings() {
  const t = useTranslations("orgSettings");
  return (
    <div className="space-y-4">
      <PageHeader title={t("title")} />
      <OrganizationCard />
      <OptOutCard />
      <HolidaysCard />
    </div>
  );
}
