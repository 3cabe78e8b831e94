"use client";

import type { TOrganization } from "@mirage/contracts/organizations";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { type FormEvent, useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input, NativeSelect } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { organizationKey, useOrganization } from "@/features/shell/organization";
import { useSession } from "@/features/shell/session-context";
import { api } from "@/lib/api";
import { can } from "@/lib/permissions";
import { timeZoneOptions, zoneLabel } from "@/lib/time-zone";
import { toast } from "@/lib/toast";
import { useErrorMessage } from "@/lib/use-error-message";
import { fieldErrors } from "./field-errors";
import { countryName, formOf, type OrgPatch, orgPatch } from "./organization-form";
import { FieldReason, invalidProps, Loaded, ReadOnlyList } from "./settings-fields";
import { useCountries } from "./use-countries";

/**
 * The organization's name, time zone and default country. Owners and admins edit them (PATCH /orgs/:id); the others
 * read them. A change reaches everything that caches the organization: its query (the campaign wizard's default
 * zone), the daily figures counted in its zone, and the shell's name (the server layout, refreshed).
 */
export function OrganizationCard() {
  const t = useTranslations("orgSettings.org");
  const locale = useLocale();
  const { org } = useSession();
  const organization = useOrganization();
  return (
    <Card data-testid="org-card">
      <CardHeader>
        <CardTitle>{t("title")}</CardTitle>
        <CardDescription>{t("help")}</CardDescription>
      </CardHeader>
      <CardContent>
        <Loaded data={organization.data} error={organization.error}>
          {(o) =>
            can(org.role, "org.manage") ? (
              <OrganizationForm saved={o} />
            ) : (
              <ReadOnlyList
                items={[
                  { label: t("name"), value: o.name },
                  { label: t("timezone"), value: zoneLabel(o.timezone), testId: "org-timezone-value" },
                  {
                    label: t("country"),
                    value: o.defaultCountry ? countryName(locale, o.defaultCountry) : t("noCountry"),
                    testId: "org-country-value",
                  },
                ]}
              />
            )
          }
        </Loaded>
      </CardContent>
    </Card>
  );
}

function OrganizationForm({ saved }: { saved: TOrganization }) {
  const t = useTranslations("orgSettings.org");
  const locale = useLocale();
  const { org } = useSession();
  const qc = useQueryClient();
  const router = useRouter();
  const { toastError } = useErrorMessage();
  const [form, setForm] = useState(() => formOf(saved));
  const zones = useMemo(() => timeZoneOptions(form.timezone), [form.timezone]);
  const countries = useCountries();
  const save = useMutation({
    mutationFn: (body: OrgPatch) => api<TOrganization>(`/orgs/${org.id}`, { method: "PATCH", body }),
    onSuccess: (updated) => {
      qc.setQueryData(organizationKey(org.id), updated);
      setForm(formOf(updated));
      // What is counted or shown in the organization's zone, and the name in the shell (the server's session).
      void qc.invalidateQueries({ queryKey: ["stats-daily", org.id] });
      router.refresh();
      toast.success(t("saved"));
    },
    onError: toastError,
  });
  const patch = orgPatch(formOf(saved), form);
  const reasons = fieldErrors(save.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (patch) save.mutate(patch);
  };
  // Until the list is loaded (or when the saved code is not in it), the current country stays choosable.
  const options = countries.data ?? [];
  const current = form.defaultCountry;
  const listed = !current || options.some((c) => c.code === current);
  return (
    <form onSubmit={submit} className="grid max-w-xl gap-4" data-testid="org-form">
      <div className="grid gap-2">
        <Label htmlFor="org-name">{t("name")}</Label>
        <Input
          id="org-name"
          required
          maxLength={200}
          value={form.name}
          onChange={(e) => setForm({ ...form, name: e.target.value })}
          {...invalidProps("org-name", reasons.name)}
        />
        <FieldReason id="org-name" reason={reasons.name} />
      </div>
      <div className="grid gap-2">
        <Label htmlFor="org-timezone">{t("timezone")}</Label>
        <NativeSelect
          id="org-timezone"
          value={form.timezone}
          onChange={(e) => setForm({ ...form, timezone: e.target.value })}
          {...invalidProps("org-timezone", reasons.timezone, "org-timezone-help")}
        >
          {zones.map((z) => (
            <option key={z} value={z}>
              {zoneLabel(z)}
            </option>
          ))}
        </NativeSelect>
        <p id="org-timezone-help" className="text-muted-foreground text-xs">
          {t("timezoneHelp")}
        </p>
        <FieldReason id="org-timezone" reason={reasons.timezone} />
      </div>
      <div className="grid gap-2">
        <Label htmlFor="org-country">{t("country")}</Label>
        <NativeSelect
          id="org-country"
          value={form.defaultCountry}
          onChange={(e) => setForm({ ...form, defaultCountry: e.target.value })}
          {...invalidProps("org-country", reasons.defaultCountry, "org-country-help")}
        >
          <option value="">{t("noCountry")}</option>
          {!listed && <option value={current}>{countryName(locale, current)}</option>}
          {options.map((c) => (
            <option key={c.code} value={c.code}>
              {c.name}
            </option>
          ))}
        </NativeSelect>
        <p id="org-country-help" className="text-muted-foreground text-xs">
          {t("countryHelp")}
        </p>
        <FieldReason id="org-country" reason={reasons.defaultCountry} />
      </div>
      <div>
        <Button type="submit" disabled={!patch || save.isPending} data-testid="org-save">
          {t("save")}
        </Button>
      </div>
    </form>
  );
}
