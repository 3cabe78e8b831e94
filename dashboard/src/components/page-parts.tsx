"use client";

import { ArrowLeftIcon, type LucideIcon } from "lucide-react";
import Link from "next/link";
import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { useErrorMessage } from "@/lib/use-error-message";
import { cn } from "@/lib/utils";

// The parts every page of the app repeats: its heading row, the empty state of a list and an error in place of what
// failed to load.

/** The page's heading (h1), after a back link when given, with the page's main actions on the right (`children`). */
export function PageHeader(props: { title: ReactNode; back?: { href: string; label: string }; children?: ReactNode }) {
  return (
    <div className="flex flex-wrap items-center gap-3">
      {props.back && (
        <Button asChild variant="ghost" size="sm">
          <Link href={props.back.href}>
            <ArrowLeftIcon aria-hidden /> {props.back.label}
          </Link>
        </Button>
      )}
      <h1 className="mr-auto font-semibold text-2xl">{props.title}</h1>
      {props.children}
    </div>
  );
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

/**
 * An API error in words, announced to screen readers, in place of what failed: its title and, when it adds
 * something, the API's reason (see useErrorMessage), then `children` (a way out: a back link).
 */
export function ErrorBox({ error, className, children }: { error: unknown; className?: string; children?: ReactNode }) {
  const { describe } = useErrorMessage();
  const { title, detail } = describe(error);
  return (
    <div role="alert" className={cn("rounded-md border border-destructive/40 bg-destructive/10 p-4", className)}>
      <p className="font-medium">{title}</p>
      {detail && <p className="text-muted-foreground text-sm">{detail}</p>}
      {children}
    </div>
  );
}
