"use client";

import type { TImportPreview } from "@mirage/contracts/import-preview";
import type { TImport, TImportMapping } from "@mirage/contracts/imports";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { FileUpIcon } from "lucide-react";
import { useTranslations } from "next-intl";
import { useId, useState } from "react";
import { ErrorBox } from "@/components/page-parts";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Input, NativeSelect } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { useSession } from "@/features/shell/session-context";
import { useErrorMessage } from "@/lib/use-error-message";
import { ImportPreviewPanel } from "./import-preview";
import { ImportProgress } from "./import-progress";
import { useLists } from "./queries";
import { postFile } from "./raw-upload";
import { useDebounced } from "./use-debounced";

/** The first bytes the preview reads (the API looks at no more). */
const SAMPLE_BYTES = 64 * 1024;

export type Overrides = { encoding?: string; delimiter?: string; mapping?: TImportMapping };

/**
 * The import wizard: drop a file → what was detected and the first rows as they will be stored (mapping, encoding
 * and delimiter editable) → list and tags → live progress → summary with every rejected line. Loaded on demand.
 */
export default function ImportWizard() {
  const t = useTranslations("importWizard");
  const { org } = useSession();
  const lists = useLists();
  const { toastError } = useErrorMessage();
  const [file, setFile] = useState<File | null>(null);
  const [overrides, setOverrides] = useState<Overrides>({});
  const [tags, setTags] = useState("");
  const [listId, setListId] = useState("");
  const [started, setStarted] = useState<{ imp: TImport; estimatedRows: number } | null>(null);
  const [sending, setSending] = useState(false);
  const [dragging, setDragging] = useState(false);
  const inputId = useId();
  const debouncedTags = useDebounced(tags, 400);

  const query = (o: Overrides) => ({
    encoding: o.encoding,
    delimiter: o.delimiter,
    mapping: o.mapping ? JSON.stringify(o.mapping) : undefined,
  });
  const preview = useQuery({
    queryKey: ["import-preview", org.id, file?.name, file?.size, file?.lastModified, overrides, debouncedTags],
    enabled: file !== null,
    retry: false,
    // An edit of the mapping keeps the current preview on screen (and the focus in its editor) until the new one.
    placeholderData: keepPreviousData,
    queryFn: () => {
      const f = file as File;
      return postFile<TImportPreview>(`/orgs/${org.id}/imports/preview`, f.slice(0, SAMPLE_BYTES), {
        ...query(overrides),
        tags: debouncedTags,
        partial: f.size > SAMPLE_BYTES ? "true" : undefined,
      });
    },
  });

  const choose = (f: File | undefined) => {
    if (!f) return;
    setFile(f);
    setOverrides({});
  };

  const start = async () => {
    if (!file || !preview.data) return;
    setSending(true);
    try {
      const imp = await postFile<TImport>(`/orgs/${org.id}/imports`, file, {
        ...query({ ...overrides, mapping: overrides.mapping ?? preview.data.mapping }),
        encoding: overrides.encoding ?? preview.data.encoding,
        delimiter: overrides.delimiter ?? preview.data.delimiter,
        filename: file.name,
        tags,
        listId,
      });
      setStarted({ imp, estimatedRows: await estimateRows(file) });
    } catch (err) {
      toastError(err);
    } finally {
      setSending(false);
    }
  };

  if (started) return <ImportProgress initial={started.imp} estimatedRows={started.estimatedRows} />;

  return (
    <div className="space-y-4">
      <h1 className="font-semibold text-2xl">{t("title")}</h1>
      <Card>
        <CardHeader>
          <CardTitle>{t("step1")}</CardTitle>
        </CardHeader>
        <CardContent>
          <label
            htmlFor={inputId}
            onDragOver={(e) => {
              e.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={(e) => {
              e.preventDefault();
              setDragging(false);
              choose(e.dataTransfer.files[0]);
            }}
            className={`flex cursor-pointer flex-col items-center gap-2 rounded-xl border-2 border-dashed p-8 text-center focus-within:ring-[3px] focus-within:ring-ring/50 ${dragging ? "border-primary bg-accent" : ""}`}
            data-testid="drop-zone"
          >
            <FileUpIcon className="size-8 text-muted-foreground" aria-hidden />
            <span className="font-medium">{file ? file.name : t("drop")}</span>
            <span className="text-muted-foreground text-sm">{t("dropHint")}</span>
            <input
              id={inputId}
              type="file"
              accept=".csv,.txt,text/csv,text/plain"
              className="sr-only"
              onChange={(e) => choose(e.target.files?.[0])}
              data-testid="import-file"
            />
          </label>
        </CardContent>
      </Card>
      {file && preview.isPending && <p className="text-muted-foreground text-sm">{t("reading")}</p>}
      {preview.error && <ErrorBox error={preview.error} />}
      {preview.data && (
        <>
          <ImportPreviewPanel preview={preview.data} overrides={overrides} onChange={setOverrides} />
          <Card>
            <CardHeader>
              <CardTitle>{t("step3")}</CardTitle>
            </CardHeader>
            <CardContent className="grid gap-3 sm:grid-cols-2">
              <div className="grid gap-1.5">
                <Label htmlFor="import-list">{t("list")}</Label>
                <NativeSelect id="import-list" value={listId} onChange={(e) => setListId(e.target.value)}>
                  <option value="">{t("noList")}</option>
                  {lists.data?.items.map((l) => (
                    <option key={l.id} value={l.id}>
                      {l.name}
                    </option>
                  ))}
                </NativeSelect>
              </div>
              <div className="grid gap-1.5">
                <Label htmlFor="import-tags">{t("tags")}</Label>
                <Input
                  id="import-tags"
                  value={tags}
                  placeholder={t("tagsPlaceholder")}
                  onChange={(e) => setTags(e.target.value)}
                />
              </div>
              <div className="sm:col-span-2">
                <Button
                  onClick={() => void start()}
                  disabled={sending || preview.data.problem !== null || preview.isFetching}
                  data-testid="start-import"
                >
                  {sending ? t("uploading") : t("start")}
                </Button>
              </div>
            </CardContent>
          </Card>
        </>
      )}
    </div>
  );
}

/** Rows in the file, estimated from the line breaks in its first 64 KiB (for the progress bar only). */
async function estimateRows(file: File): Promise<number> {
  const sample = new Uint8Array(await file.slice(0, SAMPLE_BYTES).arrayBuffer());
  let lines = 0;
  for (const b of sample) if (b === 0x0a) lines++;
  if (lines === 0 || file.size <= SAMPLE_BYTES) return Math.max(1, lines);
  return Math.max(1, Math.round((file.size / sample.length) * lines) - 1);
}
