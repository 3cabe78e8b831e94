"use client";

import { FileTextIcon, PlusIcon } from "lucide-react";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { EmptyState, ErrorBox, PageHeader } from "@/components/page-parts";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useSession } from "@/features/shell/session-context";
import { can } from "@/lib/permissions";
import { useRelativeTime } from "@/lib/use-relative-time";
import { useTemplates } from "./queries";
import { formatWhatsApp } from "./whatsapp-format";

/** The organization's templates: name, a formatted excerpt, variables, variations and warnings. */
export function TemplatesView() {
  const t = useTranslations("templates");
  const ago = useRelativeTime();
  const { org } = useSession();
  const writer = can(org.role, "audience.write");
  const { data, error, isPending } = useTemplates();
  return (
    <div className="space-y-4">
      <PageHeader title={t("title")}>
        {writer && (
          <Button asChild>
            <Link href="/templates/new" data-testid="new-template">
              <PlusIcon aria-hidden /> {t("new")}
            </Link>
          </Button>
        )}
      </PageHeader>
      {isPending ? (
        <div className="grid gap-3 sm:grid-cols-2">
          <Skeleton className="h-32" />
          <Skeleton className="h-32" />
        </div>
      ) : error ? (
        <ErrorBox error={error} />
      ) : data.items.length === 0 ? (
        <EmptyState
          icon={FileTextIcon}
          title={t("emptyTitle")}
          body={writer ? t("emptyBody", { example: `{{first_name|${t("toolbar.fallback")}}}` }) : t("emptyBodyReader")}
          action={
            writer && (
              <Button asChild size="lg">
                <Link href="/templates/new">{t("new")}</Link>
              </Button>
            )
          }
        />
      ) : (
        <ul className="grid gap-3 sm:grid-cols-2" aria-label={t("title")}>
          {data.items.map((tpl) => (
            <li key={tpl.id}>
              <Card className="h-full gap-2 px-4 py-4" data-testid="template-card" data-template={tpl.name}>
                <div className="flex items-start gap-2">
                  <Link
                    href={`/templates/${tpl.id}`}
                    className="mr-auto truncate font-medium outline-none hover:underline focus-visible:ring-[3px] focus-visible:ring-ring/50"
                  >
                    {tpl.name}
                  </Link>
                  {tpl.warnings.length > 0 && (
                    <Badge variant="warning">{t("warningCount", { count: tpl.warnings.length })}</Badge>
                  )}
                </div>
                <p className="line-clamp-3 whitespace-pre-wrap text-muted-foreground text-sm">
                  {formatWhatsApp(tpl.body)}
                </p>
                <p className="mt-auto text-muted-foreground text-xs">
                  {t("summary", { variations: tpl.variations.length, variables: tpl.variables.length })} ·{" "}
                  {t("updated", { when: ago(tpl.updatedAt) })}
                </p>
              </Card>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
