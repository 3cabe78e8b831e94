"use client";

import type { TBlacklistEntry, TBlacklistImportResponse } from "@mirage/contracts/blacklist";
import { ZBlacklistSource } from "@mirage/contracts/enums";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { BanIcon, DownloadIcon, Trash2Icon, UploadIcon } from "lucide-react";
import { useFormatter, useTranslations } from "next-intl";
import { useId, useMemo, useState } from "react";
import { EmptyState, ErrorBox } from "@/components/page-parts";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { NativeSelect } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { ConfirmButton } from "@/features/settings/confirm-button";
import { useSession } from "@/features/shell/session-context";
import { toast } from "@/lib/toast";
import { useDelete } from "@/lib/use-delete";
import { useErrorMessage } from "@/lib/use-error-message";
import { BlacklistAddDialog } from "./blacklist-add-dialog";
import { BlacklistRejections } from "./blacklist-rejections";
import { audienceKeys, useBlacklistPages } from "./queries";
import { postFile } from "./raw-upload";
import { useAudienceWriter } from "./ui-bits";

/** Numbers and LIDs never contacted: where each came from and why; add, remove, import a CSV, export. */
export function BlacklistView() {
  const t = useTranslations("blacklist");
  const { org } = useSession();
  const [source, setSource] = useState("");
  const pages = useBlacklistPages(source);
  const writer = useAudienceWriter();
  const format = useFormatter();
  const qc = useQueryClient();
  const { toastError } = useErrorMessage();
  const fileId = useId();
  const [outcome, setOutcome] = useState<TBlacklistImportResponse | null>(null);
  const rows = useMemo(() => pages.data?.pages.flatMap((p) => p.items) ?? [], [pages.data]);
  const invalidate = () => void qc.invalidateQueries({ queryKey: audienceKeys.blacklist(org.id) });
  const remove = useDelete({
    path: (id) => `/orgs/${org.id}/blacklist/${id}`,
    queryKey: audienceKeys.blacklist(org.id),
    done: t("removed"),
  });
  const upload = useMutation({
    mutationFn: (file: File) => postFile<TBlacklistImportResponse>(`/orgs/${org.id}/blacklist/import`, file, {}),
    onSuccess: (r) => {
      setOutcome(r);
      invalidate();
      toast.success(t("imported", { added: r.added, existing: r.existing }));
    },
    onError: toastError,
  });

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-2">
        <h1 className="mr-auto font-semibold text-2xl">{t("title")}</h1>
        <NativeSelect
          aria-label={t("source")}
          className="w-auto"
          value={source}
          onChange={(e) => setSource(e.target.value)}
        >
          <option value="">{t("anySource")}</option>
          {ZBlacklistSource.options.map((s) => (
            <option key={s} value={s}>
              {t(`sources.${s}`)}
            </option>
          ))}
        </NativeSelect>
        <Button asChild variant="outline">
          <a href={`/api/v1/orgs/${org.id}/blacklist/export.csv`} download data-testid="blacklist-export">
            <DownloadIcon aria-hidden />
            {t("export")}
          </a>
        </Button>
        {writer && (
          <>
            <Button asChild variant="outline">
              <label htmlFor={fileId} className="cursor-pointer focus-within:ring-[3px] focus-within:ring-ring/50">
                <UploadIcon aria-hidden />
                {upload.isPending ? t("importing") : t("import")}
                <input
                  id={fileId}
                  type="file"
                  accept=".csv,.txt,text/csv,text/plain"
                  className="sr-only"
                  data-testid="blacklist-import"
                  onChange={(e) => {
                    const f = e.target.files?.[0];
                    if (f) upload.mutate(f);
                    e.target.value = "";
                  }}
                />
              </label>
            </Button>
            <BlacklistAddDialog />
          </>
        )}
      </div>
      {outcome && <BlacklistRejections rejected={outcome.rejected} />}
      {pages.isPending ? (
        <Skeleton className="h-32" />
      ) : pages.error ? (
        <ErrorBox error={pages.error} />
      ) : rows.length === 0 ? (
        <EmptyState
          icon={BanIcon}
          title={source ? t("noMatchTitle") : t("emptyTitle")}
          body={writer ? t("emptyBody") : t("emptyBodyReader")}
        />
      ) : (
        <>
          <Table aria-label={t("title")} data-testid="blacklist-table">
            <TableHeader>
              <TableRow>
                <TableHead>{t("who")}</TableHead>
                <TableHead>{t("source")}</TableHead>
                <TableHead className="hidden md:table-cell">{t("reason")}</TableHead>
                <TableHead className="hidden sm:table-cell">{t("since")}</TableHead>
                {writer && <TableHead className="sr-only sm:not-sr-only">{t("actions")}</TableHead>}
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((e) => (
                <EntryRow
                  key={e.id}
                  entry={e}
                  writer={writer}
                  date={format.dateTime(new Date(e.createdAt), { dateStyle: "medium" })}
                  onRemove={() => remove.mutate(e.id)}
                />
              ))}
            </TableBody>
          </Table>
          {pages.hasNextPage && (
            <Button variant="outline" size="sm" onClick={() => void pages.fetchNextPage()}>
              {t("loadMore")}
            </Button>
          )}
        </>
      )}
    </div>
  );
}

function EntryRow(props: { entry: TBlacklistEntry; writer: boolean; date: string; onRemove: () => void }) {
  const t = useTranslations("blacklist");
  const e = props.entry;
  const who = e.hashed ? t("erasedPerson") : [e.phone, e.waLid].filter(Boolean).join(" · ");
  return (
    <TableRow data-testid="blacklist-row" data-source={e.source} data-phone={e.phone ?? ""}>
      <TableCell className="tabular-nums">{who}</TableCell>
      <TableCell>
        <Badge variant={e.source === "opt_out" ? "warning" : "outline"}>{t(`sources.${e.source}`)}</Badge>
      </TableCell>
      <TableCell className="hidden max-w-64 truncate md:table-cell">{e.reason ?? "—"}</TableCell>
      <TableCell className="hidden sm:table-cell">{props.date}</TableCell>
      {props.writer && (
        <TableCell className="flex justify-end">
          {!e.hashed && (
            <ConfirmButton
              label={t("remove")}
              title={t("removeTitle", { who })}
              body={t("removeBody")}
              icon={<Trash2Icon aria-hidden />}
              onConfirm={props.onRemove}
            />
          )}
        </TableCell>
      )}
    </TableRow>
  );
}
