"use client";

import type { TContact } from "@mirage/contracts/contacts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSession } from "@/features/shell/session-context";
import { api } from "@/lib/api";
import type { TTemplateDto, TTemplatePreviewDto, TTemplatePreviewInput } from "./types";

export const templatesKey = (orgId: string) => ["templates", orgId] as const;

export function useTemplates() {
  const { org } = useSession();
  return useQuery({
    queryKey: templatesKey(org.id),
    queryFn: () => api<{ items: TTemplateDto[] }>(`/orgs/${org.id}/templates`),
  });
}

export function useTemplate(id: string | null) {
  const { org } = useSession();
  return useQuery({
    queryKey: [...templatesKey(org.id), id],
    queryFn: () => api<TTemplateDto>(`/orgs/${org.id}/templates/${id}`),
    enabled: id !== null,
  });
}

/** Saves a template (creates it when `id` is null); the list is re-read after. */
export function useSaveTemplate(id: string | null) {
  const { org } = useSession();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; body: string; variations: string[] }) =>
      id
        ? api<TTemplateDto>(`/orgs/${org.id}/templates/${id}`, { method: "PATCH", body })
        : api<TTemplateDto>(`/orgs/${org.id}/templates`, { method: "POST", body }),
    onSuccess: (t) => {
      qc.setQueryData([...templatesKey(org.id), t.id], t);
      void qc.invalidateQueries({ queryKey: templatesKey(org.id) });
    },
  });
}

export function useDeleteTemplate() {
  const { org } = useSession();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/orgs/${org.id}/templates/${id}`, { method: "DELETE" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: templatesKey(org.id) }),
  });
}

/** Renders unsaved text for real contacts of the organization (the picked one, else the first few). */
export function usePreview(input: TTemplatePreviewInput | null) {
  const { org } = useSession();
  return useQuery({
    queryKey: ["template-preview", org.id, input],
    queryFn: () =>
      api<TTemplatePreviewDto>(`/orgs/${org.id}/templates/preview`, {
        method: "POST",
        body: {
          body: input?.body,
          variations: input?.variations.filter((v) => v.trim()),
          seed: input?.seed,
          ...(input?.contactId ? { contactIds: [input.contactId] } : { count: 3 }),
        },
      }),
    enabled: input !== null && input.body.trim().length > 0,
    placeholderData: (prev) => prev,
  });
}

/** Contacts matching a name or digits (for "preview for…"). */
export function useContactSearch(q: string) {
  const { org } = useSession();
  return useQuery({
    queryKey: ["contact-search", org.id, q],
    queryFn: () =>
      api<{ items: TContact[] }>(`/orgs/${org.id}/contacts?limit=8${q ? `&q=${encodeURIComponent(q)}` : ""}`),
    placeholderData: (prev) => prev,
  });
}
