"use client";

import type { THoliday, ZCreateHolidayRequest } from "@mirage/contracts/holidays";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CalendarPlusIcon } from "lucide-react";
import { useFormatter, useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import type { z } from "zod";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input, NativeSelect } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { TableCell, TableRow } from "@/components/ui/table";
import { useOrganization } from "@/features/shell/organization";
import { useSession } from "@/features/shell/session-context";
import { api } from "@/lib/api";
import { can } from "@/lib/permissions";
import { toast } from "@/lib/toast";
import { useDelete } from "@/lib/use-delete";
import { useErrorMessage } from "@/lib/use-error-message";
import { ActionsCell } from "./confirm-button";
import { fieldErrors } from "./field-errors";
import { dayDate, seedYears, todayIn, upcomingRange } from "./holiday-dates";
import { countryName } from "./organization-form";
import { FieldReason, invalidProps, Loaded } from "./settings-fields";
import { SettingsTable } from "./settings-table";
import { FormDialog } from "./settings-ui";
import { useCountries } from "./use-countries";

/** The country whose holidays seeding adds when the organization has none (the API's DEFAULT_HOLIDAY_COUNTRY). */
const SEED_FALLBACK = "BR";

/**
 * The holiday calendar (campaigns that skip holidays send nothing on these days): the days from today on, by date;
 * owners, admins and marketers add one, remove one, or add a year's national holidays of the organization's country.
 */
export function HolidaysCard() {
  const t = useTranslations("orgSettings.holidays");
  const format = useFormatter();
  const locale = useLocale();
  const { org } = useSession();
  const writer = can(org.role, "audience.write");
  const organization = useOrganization();
  const today = todayIn(organization.data?.timezone ?? "UTC");
  const range = upcomingRange(today);
  const key = ["holidays", org.id, range.from, range.to];
  const holidays = useQuery({
    queryKey: key,
    queryFn: () => api<{ items: THoliday[] }>(`/orgs/${org.id}/holidays?from=${range.from}&to=${range.to}`),
    enabled: organization.data !== undefined || organization.error !== null,
  });
  const remove = useDelete({
    path: (id) => `/orgs/${org.id}/holidays/${id}`,
    queryKey: ["holidays", org.id],
    done: t("removed"),
  });
  const country = organization.data?.defaultCountry ?? SEED_FALLBACK;
  const items = [...(holidays.data?.items ?? [])].sort((a, b) => a.day.localeCompare(b.day));
  return (
    <Card data-testid="holidays-card">
      <CardHeader className="flex-row flex-wrap items-start gap-3">
        <div className="mr-auto grid gap-1.5">
          <CardTitle>{t("title")}</CardTitle>
          <CardDescription>{t("help")}</CardDescription>
        </div>
        {writer && <AddHoliday country={organization.data?.defaultCountry ?? null} />}
      </CardHeader>
      <CardContent className="space-y-4">
        {writer && <SeedHolidays country={country} years={seedYears(today)} />}
        <Loaded data={holidays.data} error={holidays.error}>
          {() => (
            <SettingsTable
              testId="holidays"
              actions={writer}
              heads={[t("day"), t("name"), t("country")]}
              empty={items.length === 0 && <p className="text-muted-foreground text-sm">{t("none")}</p>}
            >
              {items.map((h) => (
                <TableRow key={h.id} data-holiday={h.day} data-holiday-id={h.id}>
                  <TableCell className="whitespace-nowrap">
                    <time dateTime={h.day}>
                      {format.dateTime(dayDate(h.day), {
                        weekday: "short",
                        day: "numeric",
                        month: "long",
                        year: "numeric",
                        timeZone: "UTC",
                      })}
                    </time>
                  </TableCell>
                  <TableCell className="font-medium">{h.name}</TableCell>
                  <TableCell>{h.countryCode ? countryName(locale, h.countryCode) : t("everyCountry")}</TableCell>
                  {writer && (
                    <ActionsCell
                      remove={{
                        label: t("remove"),
                        title: t("removeTitle", { name: h.name }),
                        body: t("removeBody"),
                        onConfirm: () => remove.mutate(h.id),
                      }}
                    />
                  )}
                </TableRow>
              ))}
            </SettingsTable>
          )}
        </Loaded>
      </CardContent>
    </Card>
  );
}

/** "Add national holidays for <year>": the organization's country, this year or the next. */
function SeedHolidays({ country, years }: { country: string; years: number[] }) {
  const t = useTranslations("orgSettings.holidays");
  const locale = useLocale();
  const { org } = useSession();
  const qc = useQueryClient();
  const { toastError } = useErrorMessage();
  const [year, setYear] = useState(years[0] ?? new Date().getUTCFullYear());
  const seed = useMutation({
    mutationFn: () =>
      api<{ added: number }>(`/orgs/${org.id}/holidays/seed`, { method: "POST", body: { country, years: [year] } }),
    onSuccess: (r) => {
      toast.success(t("seeded", { count: r.added, year }));
      void qc.invalidateQueries({ queryKey: ["holidays", org.id] });
    },
    onError: toastError,
  });
  return (
    <div className="flex flex-wrap items-end gap-2 rounded-md border p-3">
      <div className="grid gap-2">
        <Label htmlFor="holiday-seed-year">{t("seedYear")}</Label>
        <NativeSelect
          id="holiday-seed-year"
          className="w-28"
          value={year}
          onChange={(e) => setYear(Number(e.target.value))}
        >
          {years.map((y) => (
            <option key={y} value={y}>
              {y}
            </option>
          ))}
        </NativeSelect>
      </div>
      <Button
        variant="outline"
        onClick={() => seed.mutate()}
        disabled={seed.isPending}
        aria-describedby="holiday-seed-help"
        data-testid="holiday-seed"
      >
        {t("seed", { year })}
      </Button>
      <p id="holiday-seed-help" className="basis-full text-muted-foreground text-xs">
        {t("seedHelp", { country: countryName(locale, country) })}
      </p>
    </div>
  );
}

function AddHoliday({ country }: { country: string | null }) {
  const t = useTranslations("orgSettings.holidays");
  const { org } = useSession();
  const qc = useQueryClient();
  const countries = useCountries();
  const create = useMutation({
    mutationFn: (body: z.input<typeof ZCreateHolidayRequest>) =>
      api<THoliday>(`/orgs/${org.id}/holidays`, { method: "POST", body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["holidays", org.id] }),
  });
  const reasons = fieldErrors(create.error);
  return (
    <FormDialog
      onClose={() => create.reset()}
      trigger={{ label: t("add"), icon: CalendarPlusIcon, testId: "holiday-add" }}
      title={t("addTitle")}
      description={t("addHelp")}
      submitLabel={t("add")}
      pending={create.isPending}
      error={create.error}
      onSubmit={(f) =>
        create.mutate({
          day: String(f.get("day")),
          name: String(f.get("name")),
          countryCode: String(f.get("countryCode") ?? "") || null,
        })
      }
      result={
        create.isSuccess && (
          <p role="status" className="text-sm">
            {t("added", { name: create.data.name })}
          </p>
        )
      }
    >
      <div className="grid gap-2">
        <Label htmlFor="holiday-day">{t("day")}</Label>
        <Input id="holiday-day" name="day" type="date" required {...invalidProps("holiday-day", reasons.day)} />
        <FieldReason id="holiday-day" reason={reasons.day} />
      </div>
      <div className="grid gap-2">
        <Label htmlFor="holiday-name">{t("name")}</Label>
        <Input id="holiday-name" name="name" required maxLength={200} {...invalidProps("holiday-name", reasons.name)} />
        <FieldReason id="holiday-name" reason={reasons.name} />
      </div>
      <div className="grid gap-2">
        <Label htmlFor="holiday-country">{t("country")}</Label>
        {/* Remounted once the list is loaded, so the organization's country is the one chosen. */}
        <NativeSelect
          key={countries.data ? "loaded" : "loading"}
          id="holiday-country"
          name="countryCode"
          defaultValue={country ?? ""}
          {...invalidProps("holiday-country", reasons.countryCode)}
        >
          <option value="">{t("everyCountry")}</option>
          {(countries.data ?? []).map((c) => (
            <option key={c.code} value={c.code}>
              {c.name}
            </option>
          ))}
        </NativeSelect>
        <FieldReason id="holiday-country" reason={reasons.countryCode} />
      </div>
    </FormDialog>
  );
}
