"use client";

import type { TBlacklistEntry } from "@mirage/contracts/blacklist";
import type { TConsentEvent, TContact, TContactActivity, TContactDetail } from "@mirage/contracts/contacts";
import type { TImport } from "@mirage/contracts/imports";
import type { TContactList } from "@mirage/contracts/lists";
import type { TSegment } from "@mirage/contracts/segments";
import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useSession } from "@/features/shell/session-context";
import { api } from "@/lib/api";

/** Query keys of the audience pages, per organization, so a write invalidates exactly what it changed. */
export const audienceKeys = {
  contacts: (orgId: string) => ["contacts", orgId] as const,
  contact: (orgId: string, id: string) => ["contact", orgId, id] as const,
  lists: (orgId: string) => ["lists", orgId] as const,
  segments: (orgId: string) => ["segments", orgId] as const,
  blacklist: (orgId: string) => ["blacklist", orgId] as const,
  imports: (orgId: string) => ["imports", orgId] as const,
};

export type ContactFilters = {
  q?: string;
  tag?: string;
  listId?: string;
  segmentId?: string;
  consent?: "unknown" | "opted_in" | "opted_out";
  replied?: "true" | "false";
};

type Page<T> = { items: T[]; nextCursor: string | null };

/** The query string of a filter set, without empty values. */
export function filterQuery(f: ContactFilters): URLSearchParams {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) qs.set(k, v);
  return qs;
}

/**
 * Contacts as keyset pages of 50, newest first: only the pages scrolled to are loaded, so 100k contacts cost one
 * page. The previous pages stay on screen while a new filter loads.
 */
export function useContactPages(filters: ContactFilters) {
  const { org } = useSession();
  return useInfiniteQuery({
    queryKey: [...audienceKeys.contacts(org.id), filters],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => {
      const qs = filterQuery(filters);
      qs.set("limit", "50");
      if (pageParam) qs.set("cursor", pageParam);
      return api<Page<TContact>>(`/orgs/${org.id}/contacts?${qs}`);
    },
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });
}

/** How many contacts a filter matches (`GET /contacts/count`), asked only when `enabled` (it scans the filter). */
export function useContactCount(filters: ContactFilters, enabled: boolean) {
  const { org } = useSession();
  return useQuery({
    queryKey: [...audienceKeys.contacts(org.id), "count", filters],
    enabled,
    queryFn: () => api<{ count: number }>(`/orgs/${org.id}/contacts/count?${filterQuery(filters)}`),
  });
}

export function useContact(id: string) {
  const { org } = useSession();
  return useQuery({
    queryKey: audienceKeys.contact(org.id, id),
    queryFn: () => api<TContactDetail>(`/orgs/${org.id}/contacts/${id}`),
  });
}

export function useConsentHistory(id: string) {
  const { org } = useSession();
  return useQuery({
    queryKey: [...audienceKeys.contact(org.id, id), "consent"],
    queryFn: () => api<{ items: TConsentEvent[] }>(`/orgs/${org.id}/contacts/${id}/consent`),
  });
}

export function useContactActivity(id: string) {
  const { org } = useSession();
  return useQuery({
    queryKey: [...audienceKeys.contact(org.id, id), "activity"],
    queryFn: () => api<TContactActivity>(`/orgs/${org.id}/contacts/${id}/activity`),
  });
}

export function useLists() {
  const { org } = useSession();
  return useQuery({
    queryKey: audienceKeys.lists(org.id),
    queryFn: () => api<{ items: TContactList[] }>(`/orgs/${org.id}/lists`),
  });
}

export function useSegments() {
  const { org } = useSession();
  return useQuery({
    queryKey: audienceKeys.segments(org.id),
    queryFn: () => api<{ items: TSegment[] }>(`/orgs/${org.id}/segments`),
  });
}

export function useBlacklistPages(source: string) {
  const { org } = useSession();
  return useInfiniteQuery({
    queryKey: [...audienceKeys.blacklist(org.id), source],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => {
      const qs = new URLSearchParams({ limit: "100" });
      if (source) qs.set("source", source);
      if (pageParam) qs.set("cursor", pageParam);
      return api<Page<TBlacklistEntry>>(`/orgs/${org.id}/blacklist?${qs}`);
    },
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** An import; re-read every 2 s while it runs (live events carry the counts, this the rejected lines). */
export function useImport(id: string | null) {
  const { org } = useSession();
  return useQuery({
    queryKey: [...audienceKeys.imports(org.id), id],
    enabled: id !== null,
    queryFn: () => api<TImport>(`/orgs/${org.id}/imports/${id}`),
    refetchInterval: (q) => {
      const s = q.state.data?.status;
      return s === "completed" || s === "failed" ? false : 2_000;
    },
  });
}
