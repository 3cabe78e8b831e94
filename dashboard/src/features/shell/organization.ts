"use client";

import type { TOrganization } from "@mirage/contracts/organizations";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api";
import { useSession } from "./session-context";

export const organizationKey = (orgId: string) => ["organization", orgId] as const;

/**
 * The current organization's settings (time zone, default country) — GET /orgs/:id. The session only carries what
 * the shell needs (id, name, slug, role); pages that need the settings read them here. They rarely change.
 */
export function useOrganization({ enabled = true }: { enabled?: boolean } = {}) {
  const { org } = useSession();
  return useQuery({
    queryKey: organizationKey(org.id),
    queryFn: () => api<TOrganization>(`/orgs/${org.id}`),
    staleTime: 5 * 60_000,
    enabled,
  });
}
