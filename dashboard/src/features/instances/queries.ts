"use client";

import type { TInstance } from "@mirage/contracts/instances";
import { useQuery } from "@tanstack/react-query";
import { useSession } from "@/features/shell/session-context";
import { api } from "@/lib/api";
import { instanceKey, instancesKey } from "@/lib/realtime";

export function useInstances() {
  const { org } = useSession();
  return useQuery({
    queryKey: instancesKey(org.id),
    queryFn: () => api<{ items: TInstance[] }>(`/orgs/${org.id}/instances`),
  });
}

export function useInstance(id: string) {
  const { org } = useSession();
  return useQuery({
    queryKey: instanceKey(org.id, id),
    queryFn: () => api<TInstance>(`/orgs/${org.id}/instances/${id}`),
  });
}

/** The most recent activity of an instance (inbound or outbound message, or connection), or null. */
export function lastActivity(i: TInstance): string | null {
  const times = [i.lastInboundAt, i.lastOutboundAt, i.lastConnectedAt].filter((x): x is string => Boolean(x));
  return times.sort().at(-1) ?? null;
}
