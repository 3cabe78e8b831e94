"use client";

import type { TSegment } from "@mirage/contracts/segments";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { PlusIcon, UsersIcon, XIcon } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { type FormEvent, useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Input, NativeSelect } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { useSession } from "@/features/shell/session-context";
import { api } from "@/lib/api";
import { toast } from "@/lib/toast";
import { useErrorMessage } from "@/lib/use-error-message";
import { audienceKeys, useLists } from "./queries";
import { EMPTY_FORM, type FilterForm, toFilter, toForm } from "./segment-filter";
import { useAudienceWriter } from "./ui-bits";
import { useDebounced } from "./use-debounced";

const CONSENTS = ["opted_in", "opted_out", "unknown"] as const;
const OPS = ["equals", "contains", "exists", "missing"] as const;

/**
 * Builds a segment from the contracts' filter model (every condition ANDed) with a live count of the contacts it
 * matches, re-asked 400 ms after the last edit. Saves a new segment or the given one. Loaded on demand.
 */
export default function SegmentBuilder({ segment }: { segment?: TSegment }) {
  const t = useTranslations("segments");
  const { org } = useSession();
  const lists = useLists();
  const writer = useAudienceWriter();
  const format = useFormatter();
  const router = useRouter();
  const qc = useQueryClient();
  const { toastError, describe } = useErrorMessage();
  const [name, setName] = useState(segment?.name ?? "");
  const [description, setDescription] = useState(segment?.description ?? "");
  const [form, setForm] = useState<FilterForm>(segment ? toForm(segment.filter) : EMPTY_FORM);
  const filter = useMemo(() => toFilter(form), [form]);
  const settled = useDebounced(filter, 400);
  const count = useQuery({
    queryKey: ["segment-count", org.id, settled],
    queryFn: () =>
      api<{ count: number }>(`/orgs/${org.id}/segments/count`, { method: "POST", body: { filter: settled } }),
    placeholderData: (prev) => prev,
    retry: false,
  });
  const stale = count.isFetching || settled !== filter;
  const save = useMutation({
    mutationFn: () =>
      api<TSegment>(segment ? `/orgs/${org.id}/segments/${segment.id}` : `/orgs/${org.id}/segments`, {
        method: segment ? "PATCH" : "POST",
        body: { name, description: description.trim() || null, filter },
      }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: audienceKeys.segments(org.id) });
      toast.success(t("saved"));
      router.push("/contacts/segments");
    },
    onError: toastError,
  });
  const set = <K extends keyof FilterForm>(k: K, v: FilterForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  const toggle = (k: "consent" | "inListsAny" | "notInLists", v: string) =>
    setForm((f) => {
      const cur = f[k] as string[];
      return { ...f, [k]: cur.includes(v) ? cur.filter((x) => x !== v) : [...cur, v] };
    });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const text = (k: "tagsAny" | "tagsAll" | "tagsNone") => (
    <div className="grid gap-1.5">
      <Label htmlFor={`seg-${k}`}>{t(k)}</Label>
      <Input
        id={`seg-${k}`}
        value={form[k]}
        placeholder={t("tagsPlaceholder")}
        onChange={(e) => set(k, e.target.value)}
        data-testid={`seg-${k}`}
      />
    </div>
  );
  const date = (k: "createdFrom" | "createdTo" | "lastMessageFrom" | "lastMessageTo") => (
    <div className="grid gap-1.5">
      <Label htmlFor={`seg-${k}`}>{t(k)}</Label>
      <Input id={`seg-${k}`} type="date" value={form[k]} onChange={(e) => set(k, e.target.value)} />
    </div>
  );
  const listBoxes = (k: "inListsAny" | "notInLists") => (
    <fieldset className="grid gap-1.5">
      <legend className="mb-1 font-medium text-sm">{t(k)}</legend>
      {(lists.data?.items.length ?? 0) === 0 && <p className="text-muted-foreground text-sm">{t("noLists")}</p>}
      {lists.data?.items.map((l) => (
        <label key={l.id} className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={form[k].includes(l.id)} onChange={() => toggle(k, l.id)} />
          {l.name}
        </label>
      ))}
    </fieldset>
  );

  return (
    <form onSubmit={submit} className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="mr-auto font-semibold text-2xl">{segment ? segment.name : t("newTitle")}</h1>
        <output
          aria-live="polite"
          className="flex items-center gap-2 rounded-lg border px-3 py-2"
          data-testid="segment-count"
          data-count={stale || count.data === undefined ? "" : count.data.count}
        >
          <UsersIcon className="size-4" aria-hidden />
          {count.error
            ? (describe(count.error).detail ?? describe(count.error).title)
            : count.data === undefined
              ? t("counting")
              : t("matches", { count: count.data.count, formatted: format.number(count.data.count) })}
          {stale && <span className="sr-only">{t("counting")}</span>}
        </output>
      </div>
      <Card>
        <CardHeader>
          <CardTitle>{t("about")}</CardTitle>
        </CardHeader>
        <CardContent className="grid gap-3 sm:grid-cols-2">
          <div className="grid gap-1.5">
            <Label htmlFor="seg-name">{t("name")}</Label>
            <Input id="seg-name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="seg-description">{t("description")}</Label>
            <Input id="seg-description" value={description} onChange={(e) => setDescription(e.target.value)} />
          </div>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>{t("conditions")}</CardTitle>
        </CardHeader>
        <CardContent className="grid gap-4 md:grid-cols-3">
          {text("tagsAny")}
          {text("tagsAll")}
          {text("tagsNone")}
          <fieldset className="grid gap-1.5">
            <legend className="mb-1 font-medium text-sm">{t("consent")}</legend>
            {CONSENTS.map((c) => (
              <label key={c} className="flex items-center gap-2 text-sm">
                <input type="checkbox" checked={form.consent.includes(c)} onChange={() => toggle("consent", c)} />
                {t(`consentState.${c}`)}
              </label>
            ))}
          </fieldset>
          <div className="grid content-start gap-1.5">
            <Label htmlFor="seg-replied">{t("replied")}</Label>
            <NativeSelect
              id="seg-replied"
              value={form.replied}
              onChange={(e) => set("replied", e.target.value as FilterForm["replied"])}
            >
              <option value="">{t("any")}</option>
              <option value="true">{t("repliedYes")}</option>
              <option value="false">{t("repliedNo")}</option>
            </NativeSelect>
          </div>
          <div />
          {listBoxes("inListsAny")}
          {listBoxes("notInLists")}
          <div />
          {date("createdFrom")}
          {date("createdTo")}
          <div />
          {date("lastMessageFrom")}
          {date("lastMessageTo")}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>{t("customFields")}</CardTitle>
        </CardHeader>
        <CardContent className="space-y-2">
          {form.customFields.map((c, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their position
            <div key={i} className="grid gap-2 sm:grid-cols-[1fr_10rem_1fr_auto]">
              <Input
                aria-label={t("fieldKey")}
                placeholder={t("fieldKey")}
                value={c.key}
                onChange={(e) =>
                  set(
                    "customFields",
                    form.customFields.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)),
                  )
                }
              />
              <NativeSelect
                aria-label={t("fieldOp")}
                value={c.op}
                onChange={(e) =>
                  set(
                    "customFields",
                    form.customFields.map((x, j) => (j === i ? { ...x, op: e.target.value as typeof c.op } : x)),
                  )
                }
              >
                {OPS.map((op) => (
                  <option key={op} value={op}>
                    {t(`ops.${op}`)}
                  </option>
                ))}
              </NativeSelect>
              <Input
                aria-label={t("fieldValue")}
                placeholder={t("fieldValue")}
                value={c.value}
                disabled={c.op === "exists" || c.op === "missing"}
                onChange={(e) =>
                  set(
                    "customFields",
                    form.customFields.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)),
                  )
                }
              />
              <Button
                type="button"
                variant="ghost"
                size="icon"
                aria-label={t("removeCondition")}
                onClick={() =>
                  set(
                    "customFields",
                    form.customFields.filter((_, j) => j !== i),
                  )
                }
              >
                <XIcon aria-hidden />
              </Button>
            </div>
          ))}
          <Button
            type="button"
            variant="outline"
            size="sm"
            onClick={() => set("customFields", [...form.customFields, { key: "", op: "equals", value: "" }])}
          >
            <PlusIcon aria-hidden />
            {t("addCondition")}
          </Button>
        </CardContent>
      </Card>
      <div className="flex flex-wrap gap-2">
        {writer && (
          <Button type="submit" disabled={save.isPending || name.trim() === ""} data-testid="save-segment">
            {t("save")}
          </Button>
        )}
        {segment && (
          <Button asChild variant="outline">
            <Link href={`/contacts?segmentId=${segment.id}`}>{t("seeContacts")}</Link>
          </Button>
        )}
        <Button asChild variant="ghost">
          <Link href="/contacts/segments">{t("back")}</Link>
        </Button>
      </div>
    </form>
  );
}
