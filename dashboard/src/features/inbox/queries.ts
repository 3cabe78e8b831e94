"use client";

import type { TCampaign } from "@mirage/contracts/campaigns";
import type { TConversation, TConversationItem } from "@mirage/contracts/conversations";
import type { TOutboundMessage } from "@mirage/contracts/messages";
import type { TMember } from "@mirage/contracts/organizations";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSession } from "@/features/shell/session-context";
import { api } from "@/lib/api";

/** `campaign`: only the conversations of people who replied to that campaign (its id), or null. */
export type InboxFilters = { status: "open" | "closed" | "all"; q: string; mine: boolean; campaign: string | null };

type Page<T> = { items: T[]; nextCursor: string | null };

export const inboxKeys = {
  all: (orgId: string) => ["inbox", orgId] as const,
  list: (orgId: string, f: InboxFilters) => ["inbox", orgId, "list", f] as const,
  one: (orgId: string, id: string) => ["inbox", orgId, "conversation", id] as const,
  timeline: (orgId: string, id: string) => ["inbox", orgId, "timeline", id] as const,
};

/** Conversations, most recently active first, one page at a time ("load more"). */
export function useConversations(filters: InboxFilters) {
  const { org, me } = useSession();
  return useInfiniteQuery({
    queryKey: inboxKeys.list(org.id, filters),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => {
      const qs = new URLSearchParams({ limit: "30" });
      if (filters.status !== "all") qs.set("status", filters.status);
      if (filters.q.trim()) qs.set("q", filters.q.trim());
      if (filters.mine) qs.set("assignedTo", me.userId);
      if (filters.campaign) qs.set("campaignId", filters.campaign);
      if (pageParam) qs.set("cursor", pageParam);
      return api<Page<TConversation>>(`/orgs/${org.id}/conversations?${qs}`);
    },
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** A campaign a reply answers (its name for links and filters), cached for a while: names rarely change. */
export function useCampaign(id: string) {
  const { org } = useSession();
  return useQuery({
    queryKey: ["campaign", org.id, id],
    queryFn: () => api<TCampaign>(`/orgs/${org.id}/campaigns/${id}`),
    staleTime: 5 * 60_000,
  });
}

export function useConversation(id: string) {
  const { org } = useSession();
  return useQuery({
    queryKey: inboxKeys.one(org.id, id),
    queryFn: () => api<TConversation>(`/orgs/${org.id}/conversations/${id}`),
  });
}

/** The conversation's messages both ways and its notes, newest first per page; the view shows them oldest first. */
export function useTimeline(id: string) {
  const { org } = useSession();
  return useInfiniteQuery({
    queryKey: inboxKeys.timeline(org.id, id),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => {
      const qs = new URLSearchParams({ limit: "50" });
      if (pageParam) qs.set("cursor", pageParam);
      return api<Page<TConversationItem>>(`/orgs/${org.id}/conversations/${id}/messages?${qs}`);
    },
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useMembers() {
  const { org } = useSession();
  return useQuery({
    queryKey: ["members", org.id],
    queryFn: () => api<{ items: TMember[] }>(`/orgs/${org.id}/members`),
    staleTime: 60_000,
  });
}

/** Mutations on one conversation; each re-reads the conversation, its timeline and the list afterwards. */
export function useConversationActions(id: string) {
  const { org } = useSession();
  const qc = useQueryClient();
  const base = `/orgs/${org.id}/conversations/${id}`;
  const refresh = () => qc.invalidateQueries({ queryKey: inboxKeys.all(org.id) });
  const update = useMutation({
    mutationFn: (body: { status?: "open" | "closed"; assignedTo?: string | null; tags?: string[]; read?: true }) =>
      api<TConversation>(base, { method: "PATCH", body }),
    onSuccess: (c) => {
      qc.setQueryData(inboxKeys.one(org.id, id), c);
      void refresh();
    },
  });
  const reply = useMutation({
    /** `replyTo`: the WhatsApp id of the conversation's message the reply quotes. */
    mutationFn: ({ text, replyTo }: { text: string; replyTo?: string | undefined }) =>
      api<TOutboundMessage>(`${base}/messages`, {
        method: "POST",
        body: { text, clientId: crypto.randomUUID(), typing: true, ...(replyTo ? { replyTo } : {}) },
      }),
    onSuccess: () => void refresh(),
  });
  const note = useMutation({
    mutationFn: (text: string) => api(`${base}/notes`, { method: "POST", body: { text } }),
    onSuccess: () => void refresh(),
  });
  const deleteNote = useMutation({
    mutationFn: (noteId: number) => api(`${base}/notes/${noteId}`, { method: "DELETE" }),
    onSuccess: () => void refresh(),
  });
  /** The number's reaction to a message the person sent (`emoji` empty: taken back). */
  const react = useMutation({
    mutationFn: ({ waMessageId, emoji }: { waMessageId: string; emoji: string }) =>
      api<{ waMessageId: string; emoji: string | null }>(
        `${base}/messages/${encodeURIComponent(waMessageId)}/reaction`,
        { method: "PUT", body: { emoji } },
      ),
    onSuccess: () => void refresh(),
  });
  return { update, reply, note, deleteNote, react };
}
