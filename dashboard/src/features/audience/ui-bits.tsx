"use client";

import { useSession } from "@/features/shell/session-context";
import { can } from "@/lib/permissions";

/** Whether the signed-in member may change the audience (contacts, lists, segments, blacklist, imports). */
export function useAudienceWriter(): boolean {
  const { org } = useSession();
  return can(org.role, "audience.write");
}
