"use client";

import { PlusIcon, Trash2Icon } from "lucide-react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { type FormEvent, useCallback, useEffect, useState } from "react";
import { ErrorBox, PageHeader } from "@/components/page-parts";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Skeleton } from "@/components/ui/skeleton";
import { useSession } from "@/features/shell/session-context";
import { can } from "@/lib/permissions";
import { toast } from "@/lib/toast";
import { useErrorMessage } from "@/lib/use-error-message";
import { useDeleteTemplate, useSaveTemplate, useTemplate } from "./queries";
import { TemplatePreview } from "./template-preview";
import { TextEditor } from "./text-editor";
import type { TTemplatePreviewDto } from "./types";
import { TemplateWarnings } from "./warnings";

/** Create (`id` null) or edit a template; readers see it read-only, and cannot start a new one. */
export function TemplateEditor({ id }: { id: string | null }) {
  const t = useTranslations("templates");
  const { org } = useSession();
  const existing = useTemplate(id);
  if (!id && !can(org.role, "audience.write")) {
    return (
      <div className="grid gap-4">
        <PageHeader title={t("newTitle")} back={{ href: "/templates", label: t("back") }} />
        <p className="text-muted-foreground text-sm" data-testid="cannot-create">
          {t("cannotCreate")}
        </p>
      </div>
    );
  }
  if (id && existing.isPending) return <Skeleton className="h-96" />;
  if (id && existing.error) return <ErrorBox error={existing.error} />;
  return <EditorForm id={id} initial={existing.data} />;
}

function EditorForm({
  id,
  initial,
}: {
  id: string | null;
  initial?: { name: string; body: string; variations: string[] };
}) {
  const t = useTranslations("templates");
  const { org } = useSession();
  const writer = can(org.role, "audience.write");
  const router = useRouter();
  const { toastError } = useErrorMessage();
  const [name, setName] = useState(initial?.name ?? "");
  const [body, setBody] = useState(initial?.body ?? "");
  const [variations, setVariations] = useState<string[]>(initial?.variations ?? []);
  const [analysis, setAnalysis] = useState<TTemplatePreviewDto | undefined>();
  const save = useSaveTemplate(id);
  const remove = useDeleteTemplate();
  const onAnalysis = useCallback((a: TTemplatePreviewDto | undefined) => setAnalysis(a), []);
  const [dirty, setDirty] = useState(false);
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  const warnings = analysis?.warnings ?? [];
  const of = (variant: number) => warnings.filter((w) => (w.variant ?? -1) === variant);
  const general = warnings.filter((w) => w.variant === undefined);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(
      { name: name.trim(), body, variations: variations.filter((v) => v.trim()) },
      {
        onSuccess: (saved) => {
          setDirty(false);
          toast.success(t("saved"));
          if (!id) router.replace(`/templates/${saved.id}`);
        },
        onError: toastError,
      },
    );
  };
  const change =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setDirty(true);
    };

  return (
    <div className="space-y-4">
      <PageHeader title={id ? t("editTitle") : t("newTitle")} back={{ href: "/templates", label: t("back") }} />
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,24rem)]">
        <form onSubmit={submit} className="space-y-4" aria-label={t("editTitle")}>
          <fieldset disabled={!writer} className="space-y-4">
            <div className="space-y-1">
              <Label htmlFor="template-name">{t("name")}</Label>
              <Input
                id="template-name"
                required
                maxLength={200}
                value={name}
                onChange={(e) => change(setName)(e.target.value)}
              />
            </div>
            <TextEditor
              id="template-body"
              label={t("body")}
              value={body}
              onChange={change(setBody)}
              variables={analysis?.variables ?? []}
            />
            <TemplateWarnings warnings={of(0)} />
            <p className="text-muted-foreground text-xs">
              {t("syntaxHelp", {
                variable: `{{first_name|${t("toolbar.fallback")}}}`,
                spintax: `{${t("toolbar.spinA")}|${t("toolbar.spinB")}}`,
                formats: `*${t("toolbar.bold")}* _${t("toolbar.italic")}_ ~${t("toolbar.strike")}~ \`\`\`${t("toolbar.mono")}\`\`\``,
              })}
            </p>
            <section aria-labelledby="variations-title" className="space-y-3">
              <div className="flex items-center gap-2">
                <h2 id="variations-title" className="mr-auto font-medium">
                  {t("variations")}
                </h2>
                <Button
                  type="button"
                  variant="outline"
                  size="sm"
                  onClick={() => change(setVariations)([...variations, ""])}
                >
                  <PlusIcon aria-hidden /> {t("addVariation")}
                </Button>
              </div>
              {variations.length === 0 && <p className="text-muted-foreground text-sm">{t("variationsHelp")}</p>}
              {variations.map((v, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: variations are positional (the API numbers them so)
                <div key={i} className="space-y-2 rounded-lg border p-3">
                  <div className="flex items-start gap-2">
                    <div className="min-w-0 flex-1">
                      <TextEditor
                        id={`template-variation-${i}`}
                        label={t("variationLabel", { n: i + 1 })}
                        value={v}
                        onChange={(text) => change(setVariations)(variations.map((x, k) => (k === i ? text : x)))}
                        variables={analysis?.variables ?? []}
                      />
                    </div>
                    <Button
                      type="button"
                      variant="ghost"
                      size="icon"
                      aria-label={t("removeVariation", { n: i + 1 })}
                      onClick={() => change(setVariations)(variations.filter((_, k) => k !== i))}
                    >
                      <Trash2Icon aria-hidden />
                    </Button>
                  </div>
                  <TemplateWarnings warnings={of(i + 1)} />
                </div>
              ))}
            </section>
            <TemplateWarnings warnings={general} />
          </fieldset>
          {writer ? (
            <div className="flex flex-wrap gap-2">
              <Button
                type="submit"
                disabled={save.isPending || !name.trim() || !body.trim()}
                data-testid="save-template"
              >
                {save.isPending ? t("saving") : t("save")}
              </Button>
              {id && (
                <Button
                  type="button"
                  variant="outline"
                  onClick={() =>
                    remove.mutate(id, {
                      onSuccess: () => {
                        setDirty(false);
                        router.replace("/templates");
                      },
                      onError: toastError,
                    })
                  }
                >
                  {t("delete")}
                </Button>
              )}
            </div>
          ) : (
            <p className="text-muted-foreground text-sm">{t("readOnly")}</p>
          )}
        </form>
        <aside className="lg:sticky lg:top-4 lg:self-start">
          <TemplatePreview body={body} variations={variations} onAnalysis={onAnalysis} />
        </aside>
      </div>
    </div>
  );
}
