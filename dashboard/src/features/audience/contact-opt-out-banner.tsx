"use client";

import type { TContactDetail } from "@mirage/contracts/contacts";
import { BanIcon } from "lucide-react";
import { useTranslations } from "next-intl";

/**
 * Which banner a contact's page shows: a blacklist entry first (it blocks even a contact whose consent says nothing).
 */
export function optOutBannerKind(c: Pick<TContactDetail, "blacklisted" | "optedOutAt">) {
  return c.blacklisted ? "blacklisted" : c.optedOutAt ? "optedOut" : null;
}

/**
 * The contact's page says, as the inbox's conversation does, that this person must not be messaged: an entry added
 * on the Blacklist page leaves the contact's consent as it was, so the consent card alone did not show it.
 */
export function ContactOptOutBanner({ contact }: { contact: Pick<TContactDetail, "blacklisted" | "optedOutAt"> }) {
  const t = useTranslations("contactPage");
  const kind = optOutBannerKind(contact);
  if (!kind) return null;
  return (
    <p
      className="flex items-center gap-2 rounded-md border border-destructive/40 bg-destructive/10 px-3 py-2 text-sm"
      role="status"
      data-testid="contact-opted-out"
      data-kind={kind}
    >
      <BanIcon className="size-4 shrink-0 text-destructive" aria-hidden />
      <span>
        <span className="font-medium">{kind === "blacklisted" ? t("blacklistedTitle") : t("optedOutTitle")}</span>{" "}
        <span className="text-muted-foreground">{t("optedOutBody")}</span>
      </span>
    </p>
  );
}
