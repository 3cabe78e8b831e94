"use client";

import type { TSegment } from "@mirage/contracts/segments";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { FilterIcon, PlusIcon, Trash2Icon } from "lucide-react";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { ConfirmButton } from "@/features/settings/confirm-button";
import { useSession } from "@/features/shell/session-context";
import { api } from "@/lib/api";
import { toast } from "@/lib/toast";
import { useErrorMessage } from "@/lib/use-error-message";
import { audienceKeys, useSegments } from "./queries";
import { EmptyState, ErrorBox, useAudienceWriter } from "./ui-bits";

/** The builder is loaded only on the pages that edit a segment. */
export const LazySegmentBuilder = dynamic(() => import("./segment-builder"), {
  ssr: false,
  loading: () => <Skeleton className="h-96" />,
});

/** Saved segments with their current size; create, edit, delete. */
export function SegmentsView() {
  const t = useTranslations("segments");
  const { org } = useSession();
  const segments = useSegments();
  const writer = useAudienceWriter();
  const qc = useQueryClient();
  const { toastError } = useErrorMessage();
  const remove = useMutation({
    mutationFn: (id: string) => api(`/orgs/${org.id}/segments/${id}`, { method: "DELETE" }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: audienceKeys.segments(org.id) });
      toast.success(t("deleted"));
    },
    onError: toastError,
  });
  const add = (
    <Button asChild data-testid="new-segment">
      <Link href="/contacts/segments/new">
        <PlusIcon aria-hidden />
        {t("new")}
      </Link>
    </Button>
  );
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="mr-auto font-semibold text-2xl">{t("title")}</h1>
        {writer && (segments.data?.items.length ?? 0) > 0 && add}
      </div>
      {segments.isPending ? (
        <Skeleton className="h-32" />
      ) : segments.error ? (
        <ErrorBox error={segments.error} />
      ) : segments.data.items.length === 0 ? (
        <EmptyState
          icon={FilterIcon}
          title={t("emptyTitle")}
          body={writer ? t("emptyBody") : t("emptyBodyReader")}
          action={writer && add}
        />
      ) : (
        <Table aria-label={t("title")}>
          <TableHeader>
            <TableRow>
              <TableHead>{t("name")}</TableHead>
              <TableHead className="hidden md:table-cell">{t("description")}</TableHead>
              <TableHead className="text-right">{t("size")}</TableHead>
              {writer && <TableHead className="sr-only sm:not-sr-only">{t("actions")}</TableHead>}
            </TableRow>
          </TableHeader>
          <TableBody>
            {segments.data.items.map((s) => (
              <TableRow key={s.id} data-testid="segment-row">
                <TableCell className="font-medium">
                  <Link href={`/contacts/segments/${s.id}`} className="hover:underline">
                    {s.name}
                  </Link>
                </TableCell>
                <TableCell className="hidden max-w-64 truncate md:table-cell">{s.description ?? "—"}</TableCell>
                <TableCell className="text-right tabular-nums">
                  <SegmentSize segment={s} />
                </TableCell>
                {writer && (
                  <TableCell className="flex justify-end">
                    <ConfirmButton
                      label={t("delete")}
                      title={t("deleteTitle", { name: s.name })}
                      body={t("deleteBody")}
                      icon={<Trash2Icon aria-hidden />}
                      onConfirm={() => remove.mutate(s.id)}
                    />
                  </TableCell>
                )}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </div>
  );
}

function SegmentSize({ segment }: { segment: TSegment }) {
  const { org } = useSession();
  const format = useFormatter();
  const count = useQuery({
    queryKey: [...audienceKeys.segments(org.id), segment.id, "count", segment.updatedAt],
    queryFn: () => api<{ count: number }>(`/orgs/${org.id}/segments/${segment.id}/count`),
  });
  return <>{count.data ? format.number(count.data.count) : "…"}</>;
}

/** Loads a saved segment into the builder. */
export function SegmentEditor({ id }: { id: string }) {
  const { org } = useSession();
  const seg = useQuery({
    queryKey: [...audienceKeys.segments(org.id), id],
    queryFn: () => api<TSegment>(`/orgs/${org.id}/segments/${id}`),
  });
  if (seg.isPending) return <Skeleton className="h-96" />;
  if (seg.error) return <ErrorBox error={seg.error} />;
  return <LazySegmentBuilder segment={seg.data} />;
}
