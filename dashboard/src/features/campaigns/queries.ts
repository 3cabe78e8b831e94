"use client";

import type { TSenderBudgets, TStartCheck, ZDryRun } from "@mirage/contracts/campaign-checks";
import type { ZCampaignStats } from "@mirage/contracts/campaign-stats";
import type { TCampaign, ZCreateCampaignRequest } from "@mirage/contracts/campaigns";
import type { ZContactList } from "@mirage/contracts/lists";
import type { TOutboundMessage } from "@mirage/contracts/messages";
import type { ZSegment } from "@mirage/contracts/segments";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import { useSession } from "@/features/shell/session-context";
import { api } from "@/lib/api";
import { RECENT_COUNT } from "./live/recent";

export type TCampaignStats = z.infer<typeof ZCampaignStats>;
export type TDryRun = z.infer<typeof ZDryRun>;
export type TCampaignInput = z.input<typeof ZCreateCampaignRequest>;
export type TSegment = z.infer<typeof ZSegment>;
export type TContactList = z.infer<typeof ZContactList>;

export const campaignsKey = (orgId: string) => ["campaigns", orgId] as const;
export const campaignKey = (orgId: string, id: string) => ["campaign", orgId, id] as const;

export function useCampaigns() {
  const { org } = useSession();
  return useQuery({
    queryKey: campaignsKey(org.id),
    queryFn: () => api<{ items: TCampaign[] }>(`/orgs/${org.id}/campaigns`),
  });
}

export function useCampaign(id: string) {
  const { org } = useSession();
  return useQuery({
    queryKey: campaignKey(org.id, id),
    queryFn: () => api<TCampaign>(`/orgs/${org.id}/campaigns/${id}`),
  });
}

/** Stats; `settlingMs` re-reads them periodically (receipts of a finished campaign raise no event). */
export function useCampaignStats(id: string, enabled = true, settlingMs: number | false = false) {
  const { org } = useSession();
  return useQuery({
    queryKey: [...campaignKey(org.id, id), "stats"],
    queryFn: () => api<TCampaignStats>(`/orgs/${org.id}/campaigns/${id}/stats`),
    enabled,
    refetchInterval: settlingMs,
  });
}

/** The campaign's latest sends by send time, latest first (see live/recent.ts for why one read per state). */
export function useRecentSends(id: string) {
  const { org } = useSession();
  return useQuery({
    queryKey: [...campaignKey(org.id, id), "recent"],
    queryFn: async () =>
      (await api<{ items: TOutboundMessage[] }>(`/orgs/${org.id}/campaigns/${id}/recent-sends?limit=${RECENT_COUNT}`))
        .items,
  });
}

export function useStartCheck(id: string | null) {
  const { org } = useSession();
  return useQuery({
    queryKey: ["campaign-start-check", org.id, id],
    queryFn: () => api<TStartCheck>(`/orgs/${org.id}/campaigns/${id}/start-check`),
    enabled: id !== null,
  });
}

export function useDryRun(id: string | null, version: number) {
  const { org } = useSession();
  return useQuery({
    queryKey: ["campaign-dry-run", org.id, id, version],
    queryFn: () => api<TDryRun>(`/orgs/${org.id}/campaigns/${id}/dry-run`, { method: "POST", body: { count: 10 } }),
    enabled: id !== null,
  });
}

export function useLists() {
  const { org } = useSession();
  return useQuery({
    queryKey: ["lists", org.id],
    queryFn: () => api<{ items: TContactList[] }>(`/orgs/${org.id}/lists`),
  });
}

export function useSegments() {
  const { org } = useSession();
  return useQuery({
    queryKey: ["segments", org.id],
    queryFn: () => api<{ items: TSegment[] }>(`/orgs/${org.id}/segments`),
  });
}

export function useSegmentCount(id: string) {
  const { org } = useSession();
  return useQuery({
    queryKey: ["segment-count", org.id, id],
    queryFn: () => api<{ count: number }>(`/orgs/${org.id}/segments/${id}/count`),
  });
}

export function useSenderBudgets(caps: { perHour: number; perDay: number; warmup: boolean }) {
  const { org } = useSession();
  const q = `perHour=${caps.perHour}&perDay=${caps.perDay}&warmup=${caps.warmup}`;
  return useQuery({
    queryKey: ["sender-budgets", org.id, q],
    queryFn: () => api<TSenderBudgets>(`/orgs/${org.id}/sender-budgets?${q}`),
    placeholderData: (prev) => prev,
  });
}

/** Creates the campaign (draft) or saves its definition. */
export function useSaveCampaign() {
  const { org } = useSession();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string | null; body: TCampaignInput }) =>
      id
        ? api<TCampaign>(`/orgs/${org.id}/campaigns/${id}`, { method: "PATCH", body })
        : api<TCampaign>(`/orgs/${org.id}/campaigns`, { method: "POST", body }),
    onSuccess: (c) => {
      qc.setQueryData(campaignKey(org.id, c.id), c);
      void qc.invalidateQueries({ queryKey: campaignsKey(org.id) });
    },
  });
}

export type CampaignAction = "start" | "pause" | "resume" | "cancel";

/** start (now, or at its start time) / pause / resume / cancel; the cached campaign is replaced by the answer. */
export function useCampaignAction(id: string) {
  const { org } = useSession();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ action, now = true }: { action: CampaignAction; now?: boolean }) =>
      api<TCampaign>(`/orgs/${org.id}/campaigns/${id}/${action}`, {
        method: "POST",
        body: action === "start" ? { now } : {},
      }),
    onSuccess: (c) => {
      qc.setQueryData(campaignKey(org.id, c.id), c);
      void qc.invalidateQueries({ queryKey: campaignKey(org.id, c.id) });
      void qc.invalidateQueries({ queryKey: campaignsKey(org.id) });
    },
  });
}

/** Deletes a campaign that is not running or paused (a draft, or one ended); its messages go with it. */
export function useDeleteCampaign(id: string) {
  const { org } = useSession();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api<undefined>(`/orgs/${org.id}/campaigns/${id}`, { method: "DELETE" }),
    onSuccess: () => {
      // Out of the list at once (the page leaves for it); the campaign's own query goes with the page.
      qc.setQueryData<{ items: TCampaign[] }>(campaignsKey(org.id), (old) =>
        old ? { items: old.items.filter((c) => c.id !== id) } : old,
      );
      void qc.invalidateQueries({ queryKey: campaignsKey(org.id) });
    },
  });
}
