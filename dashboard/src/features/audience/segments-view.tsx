"use client";

import type { TSegment } from "@mirage/contracts/segments";
import { useQuery } from "@tanstack/react-query";
import { FilterIcon, PlusIcon } from "lucide-react";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { ErrorBox } from "@/components/page-parts";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { useSession } from "@/features/shell/session-context";
import { api } from "@/lib/api";
import { CollectionTable } from "./collection-table";
import { audienceKeys, useSegments } from "./queries";

/** The builder is loaded only on the pages that edit a segment. */
export const LazySegmentBuilder = dynamic(() => import("./segment-builder"), {
  ssr: false,
  loading: () => <Skeleton className="h-96" />,
});

/** Saved segments with their current size; create, edit, delete. */
export function SegmentsView() {
  const t = useTranslations("segments");
  const segments = useSegments();
  return (
    <CollectionTable
      kind="segments"
      query={segments}
      icon={FilterIcon}
      add={
        <Button asChild data-testid="new-segment">
          <Link href="/contacts/segments/new">
            <PlusIcon aria-hidden />
            {t("new")}
          </Link>
        </Button>
      }
      rowTestId="segment-row"
      href={(s) => `/contacts/segments/${s.id}`}
      columns={[
        {
          header: t("size"),
          headClassName: "text-right",
          cellClassName: "text-right tabular-nums",
          cell: (s) => <SegmentSize segment={s} />,
        },
      ]}
    />
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
