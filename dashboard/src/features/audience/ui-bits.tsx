"use client";

import type { LucideIcon } from "lucide-react";
import type { ReactNode } from "react";
import { useSession } from "@/features/shell/session-context";
import { can } from "@/lib/permissions";
import { useErrorMessage } from "@/lib/use-error-message";

/** Whether the signed-in member may change the audience (contacts, lists, segments, blacklist, imports). */
export function useAudienceWriter(): boolean {
  const { org } = useSession();
  return can(org.role, "audience.write");
}

/** What is missing and what to do next, with the action when the member may take it. */
export function EmptyState(props: { icon: LucideIcon; title: string; body: string; action?: ReactNode }) {
  const Icon = props.icon;
  return (
    <div className="flex flex-col items-center gap-3 rounded-xl border border-dashed p-10 text-center">
      <Icon className="size-10 text-muted-foreground" aria-hidden />
      <h2 className="font-medium text-lg">{props.title}</h2>
      <p className="max-w-md text-muted-foreground text-sm">{props.body}</p>
      {props.action}
    </div>
  );
}

/** An API error in words (problem+json detail included), in place of the content that failed to load. */
export function ErrorBox({ error }: { error: unknown }) {
  const { describe } = useErrorMessage();
  const { title, detail } = describe(error);
  return (
    <div role="alert" className="rounded-md border border-destructive/40 bg-destructive/10 p-4">
      <p className="font-medium">{title}</p>
      {detail && <p className="text-muted-foreground text-sm">{detail}</p>}
    </div>
  );
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
