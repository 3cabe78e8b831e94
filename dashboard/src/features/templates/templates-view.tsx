"use client";

import { FileTextIcon, PlusIcon } from "lucide-react";
import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useSession } from "@/features/shell/session-context";
import { can } from "@/lib/permissions";
import { ErrorBox } from "./error-box";
import { useTemplates } from "./queries";
import { formatWhatsApp } from "./whatsapp-format";

/** The organization's templates: name, a formatted excerpt, variables, variations and warnings. */
export function TemplatesView() {
  const t = useTranslations("templates");
  const format = useFormatter();
  const { org } = useSession();
  const writer = can(org.role, "audience.write");
  const { data, error, isPending } = useTemplates();
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="mr-auto font-semibold text-2xl">{t("title")}</h1>
        {writer && (
          <Button asChild>
            <Link href="/templates/new" data-testid="new-template">
              <PlusIcon aria-hidden /> {t("new")}
            </Link>
          </Button>
        )}
      </div>
      {isPending ? (
        <div className="grid gap-3 sm:grid-cols-2">
          <Skeleton className="h-32" />
          <Skeleton className="h-32" />
        </div>
      ) : error ? (
        <ErrorBox error={error} />
      ) : data.items.length === 0 ? (
        <div className="flex flex-col items-center gap-3 rounded-xl border border-dashed p-10 text-center">
          <FileTextIcon className="size-10 text-muted-foreground" aria-hidden />
          <h2 className="font-medium text-lg">{t("emptyTitle")}</h2>
          <p className="max-w-md text-muted-foreground text-sm">
            {writer ? t("emptyBody", { example: `{{first_name|${t("toolbar.fallback")}}}` }) : t("emptyBodyReader")}
          </p>
          {writer && (
            <Button asChild size="lg">
              <Link href="/templates/new">{t("new")}</Link>
            </Button>
          )}
        </div>
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
                  {t("updated", { when: format.relativeTime(new Date(tpl.updatedAt)) })}
                </p>
              </Card>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
