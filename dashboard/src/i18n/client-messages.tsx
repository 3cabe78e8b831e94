import { NextIntlClientProvider } from "next-intl";
import { getMessages } from "next-intl/server";
import type { ReactNode } from "react";
import type { Messages } from "./catalogue";

/**
 * Which message namespaces reach the browser. Every message a client component may render travels in the page's
 * payload, so a page hands its client components only the namespaces they use:
 *
 * - SHARED_NAMESPACES go with every page (the root layout's provider): the shell, errors, roles, statuses.
 * - PAGE_NAMESPACES go only where a page asks for them, by wrapping its client components in
 *   `<ClientMessages namespaces={[…]}>` (server component). A page's provider replaces the root's messages for its
 *   subtree, so ClientMessages adds the shared namespaces itself.
 * - Any namespace in neither list (a feature that has not opted in yet) goes with every page, as before.
 *
 * To scope a feature's strings: add its namespaces to PAGE_NAMESPACES and wrap its pages. The catalogue test checks
 * that both lists name existing namespaces; page-namespaces.test.ts reads the sources and checks that every page lists
 * each scoped namespace used by a component it renders (another feature's too: a health score on a campaign page),
 * and nothing more.
 */
export const SHARED_NAMESPACES = ["common", "errors", "shell", "nav", "roles", "status", "reasons"] as const;

export const PAGE_NAMESPACES = [
  // Server-only (page titles, metadata): never needed in the browser.
  "app",
  "signIn",
  "instances",
  "instance",
  "actions",
  "add",
  "health",
  "advice",
  "members",
  "invitation",
  "apiKeys",
  "webhooks",
  "audit",
  "orgSettings",
] as const;

export type PageNamespace = (typeof PAGE_NAMESPACES)[number];

/** The messages for the root provider: everything but the page-scoped namespaces. */
export function rootMessages(all: Messages): Messages {
  const scoped = new Set<string>(PAGE_NAMESPACES);
  return Object.fromEntries(Object.entries(all).filter(([ns]) => !scoped.has(ns)));
}

/** The messages for a page's provider: the root's plus the page's own namespaces. */
export function pageMessages(all: Messages, namespaces: readonly PageNamespace[]): Messages {
  const out = rootMessages(all);
  for (const ns of namespaces) if (ns in all) out[ns] = all[ns];
  return out;
}

/** Server component: gives its client subtree the shared messages plus `namespaces`. */
export async function ClientMessages({
  namespaces,
  children,
}: {
  namespaces: readonly PageNamespace[];
  children: ReactNode;
}) {
  const all = (await getMessages()) as Messages;
  return <NextIntlClientProvider messages={pageMessages(all, namespaces)}>{children}</NextIntlClientProvider>;
}
