"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { XIcon } from "lucide-react";
import { useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Switch } from "@/components/ui/switch";
import { Textarea } from "@/components/ui/textarea";
import { useSession } from "@/features/shell/session-context";
import { api } from "@/lib/api";
import { can } from "@/lib/permissions";
import { toast } from "@/lib/toast";
import { useErrorMessage } from "@/lib/use-error-message";
import { fieldErrors } from "./field-errors";
import { addWord, type OptOutCheck, type OptOutSettings, verdictOf } from "./opt-out-words";
import { FieldReason, invalidProps, Loaded } from "./settings-fields";

type Update = { words?: string[]; useDefaults?: boolean };

/**
 * The words that opt a person out when they reply with them: the organization's own (owners, admins and marketers
 * edit them, each change saved at once), whether the built-in pt/es/en list applies, and a box to test a message.
 */
export function OptOutCard() {
  const t = useTranslations("orgSettings.optOut");
  const { org } = useSession();
  const settings = useQuery({
    queryKey: ["opt-out", org.id],
    queryFn: () => api<OptOutSettings>(`/orgs/${org.id}/messaging/opt-out`),
  });
  return (
    <Card data-testid="opt-out-card">
      <CardHeader>
        <CardTitle>{t("title")}</CardTitle>
        <CardDescription>{t("help")}</CardDescription>
      </CardHeader>
      <CardContent className="space-y-6">
        <Loaded data={settings.data} error={settings.error}>
          {(s) => (
            <>
              <OptOutWords settings={s} />
              <OptOutTest settings={s} />
            </>
          )}
        </Loaded>
      </CardContent>
    </Card>
  );
}

function OptOutWords({ settings }: { settings: OptOutSettings }) {
  const t = useTranslations("orgSettings.optOut");
  const { org } = useSession();
  const writer = can(org.role, "audience.write");
  const qc = useQueryClient();
  const { toastError } = useErrorMessage();
  const [word, setWord] = useState("");
  const [local, setLocal] = useState<string | undefined>();
  const save = useMutation({
    mutationFn: (body: Update) => api<OptOutSettings>(`/orgs/${org.id}/messaging/opt-out`, { method: "PUT", body }),
    onSuccess: (updated, body) => {
      qc.setQueryData(["opt-out", org.id], updated);
      if (body.words && body.words.length > settings.words.length) setWord("");
      toast.success(t("saved"));
    },
    onError: toastError,
  });
  const add = (e: FormEvent) => {
    e.preventDefault();
    const next = addWord(settings.words, word);
    setLocal(next.ok ? undefined : t(`refused.${next.reason}`));
    if (next.ok) save.mutate({ words: next.words });
  };
  const reason = local ?? fieldErrors(save.error).words;
  return (
    <div className="space-y-4">
      <section aria-labelledby="opt-out-words-title" className="space-y-2">
        <h3 id="opt-out-words-title" className="font-medium text-sm">
          {t("words")}
        </h3>
        {settings.words.length === 0 ? (
          <p className="text-muted-foreground text-sm">{t("noWords")}</p>
        ) : (
          <ul className="flex flex-wrap gap-2" data-testid="opt-out-words">
            {settings.words.map((w) => (
              <li key={w} data-word={w}>
                <Badge variant="secondary" className="max-w-full gap-1 whitespace-normal py-1 text-sm">
                  {w}
                  {writer && (
                    <button
                      type="button"
                      className="rounded-sm outline-none hover:text-destructive focus-visible:ring-[3px] focus-visible:ring-ring/50"
                      aria-label={t("removeWord", { word: w })}
                      disabled={save.isPending}
                      onClick={() => save.mutate({ words: settings.words.filter((x) => x !== w) })}
                    >
                      <XIcon className="size-3.5" aria-hidden />
                    </button>
                  )}
                </Badge>
              </li>
            ))}
          </ul>
        )}
        {writer && (
          <form onSubmit={add} className="flex max-w-xl flex-wrap items-end gap-2">
            <div className="grid min-w-60 flex-1 gap-2">
              <Label htmlFor="opt-out-word">{t("addLabel")}</Label>
              <Input
                id="opt-out-word"
                value={word}
                maxLength={100}
                placeholder={t("addPlaceholder")}
                onChange={(e) => {
                  setWord(e.target.value);
                  setLocal(undefined);
                }}
                {...invalidProps("opt-out-word", reason)}
              />
            </div>
            <Button type="submit" variant="outline" disabled={save.isPending} data-testid="opt-out-add">
              {t("add")}
            </Button>
            <div className="basis-full">
              <FieldReason id="opt-out-word" reason={reason} />
            </div>
          </form>
        )}
      </section>
      <section aria-labelledby="opt-out-defaults-title" className="space-y-2">
        <h3 id="opt-out-defaults-title" className="font-medium text-sm">
          {t("defaultsTitle")}
        </h3>
        {writer ? (
          <div className="flex items-center gap-3">
            <Switch
              id="opt-out-defaults"
              checked={settings.useDefaults}
              disabled={save.isPending}
              onCheckedChange={(useDefaults) => save.mutate({ useDefaults })}
              aria-describedby="opt-out-defaults-help"
            />
            <Label htmlFor="opt-out-defaults">{t("useDefaults")}</Label>
          </div>
        ) : (
          <p className="font-medium text-sm" data-testid="opt-out-defaults-value">
            {settings.useDefaults ? t("defaultsOn") : t("defaultsOff")}
          </p>
        )}
        <p id="opt-out-defaults-help" className="text-muted-foreground text-xs">
          {t("defaultsHelp")}
        </p>
        <details className="text-sm">
          <summary className="cursor-pointer rounded-sm text-muted-foreground outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50">
            {t("showDefaults", { count: settings.defaults.length })}
          </summary>
          <p className="mt-2 text-muted-foreground">{settings.defaults.join(" · ")}</p>
        </details>
      </section>
    </div>
  );
}

/** A message as a reply would be read: whether it opts out, because of which phrase, with how many typos. */
function OptOutTest({ settings }: { settings: OptOutSettings }) {
  const t = useTranslations("orgSettings.optOut");
  const { org } = useSession();
  const { toastError } = useErrorMessage();
  const [text, setText] = useState("");
  // A verdict holds for the words it was checked against: a change of them clears it.
  const words = JSON.stringify([settings.words, settings.useDefaults]);
  const [checked, setChecked] = useState<{ for: string; result: OptOutCheck } | null>(null);
  const check = useMutation({
    mutationFn: (body: { text: string }) =>
      api<OptOutCheck>(`/orgs/${org.id}/messaging/opt-out/check`, { method: "POST", body }),
    onSuccess: (result) => setChecked({ for: words, result }),
    onError: toastError,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim()) check.mutate({ text });
  };
  const verdict = checked?.for === words ? verdictOf(checked.result, settings.words) : null;
  return (
    <section aria-labelledby="opt-out-test-title" className="space-y-2 border-t pt-4">
      <h3 id="opt-out-test-title" className="font-medium text-sm">
        {t("testTitle")}
      </h3>
      <form onSubmit={submit} className="grid max-w-xl gap-2">
        <Label htmlFor="opt-out-test">{t("testLabel")}</Label>
        <Textarea
          id="opt-out-test"
          value={text}
          maxLength={4096}
          rows={2}
          placeholder={t("testPlaceholder")}
          onChange={(e) => {
            setText(e.target.value);
            setChecked(null);
          }}
        />
        <div>
          <Button
            type="submit"
            variant="outline"
            disabled={check.isPending || !text.trim()}
            data-testid="opt-out-check"
          >
            {t("test")}
          </Button>
        </div>
      </form>
      <div aria-live="polite" data-testid="opt-out-verdict" data-opt-out={verdict ? String(verdict.optOut) : undefined}>
        {verdict && (
          <p
            className={
              verdict.optOut
                ? "rounded-md border border-warning/40 bg-warning/10 p-3 text-sm"
                : "rounded-md border p-3 text-sm"
            }
          >
            {verdict.optOut
              ? t(verdict.source === "own" ? "verdict.own" : "verdict.builtIn", {
                  phrase: verdict.phrase,
                  typos: verdict.typos,
                })
              : t("verdict.none")}
          </p>
        )}
      </div>
    </section>
  );
}
