"use client";

import { useSession } from "@/features/shell/session-context";
import { can } from "@/lib/permissions";

/** Whether the signed-in member may change the audience (contacts, lists, segments, blacklist, imports). */
export function useAudienceWriter(): boolean {
  const { org } = useSession();
  return can(org.role, "audience.write");
}

/** Saves a fetched body as a file (LGPD export, CSV downloads that need the session's cookies). */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
