"use client";

import type { TContact } from "@mirage/contracts/contacts";
import { ContactIcon, ListIcon, ListPlusIcon, SearchIcon, UploadIcon } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { memo, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { EmptyState, ErrorBox } from "@/components/page-parts";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input, NativeSelect } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useRelativeTime } from "@/lib/use-relative-time";
import { matchingFilter, offerAllMatching, sameFilter } from "./contact-bulk";
import { keepVisible, pageSelection, toggleAll, toggleOne } from "./contact-edits";
import { ContactsBulkBar } from "./contacts-bulk-bar";
import { ContactsExportButton } from "./contacts-export-button";
import { type ContactFilters, useContactCount, useContactPages, useLists, useSegments } from "./queries";
import { useAudienceWriter } from "./ui-bits";
import { useDebounced } from "./use-debounced";

const NAMED_SELECT = "sm:w-auto sm:min-w-0 sm:max-w-64 sm:flex-[1_1_10rem]";
const WORDS_SELECT = "sm:w-auto sm:flex-none";
const CONSENT_TONE = { opted_in: "success", opted_out: "destructive", unknown: "secondary" } as const;

/** The contacts table: search and filters answered by the API, keyset pages loaded as the user scrolls. */
export function ContactsView({ initial = {} }: { initial?: Pick<ContactFilters, "listId" | "segmentId"> }) {
  const t = useTranslations("contacts");
  const writer = useAudienceWriter();
  const [q, setQ] = useState("");
  const [tag, setTag] = useState("");
  const [rest, setRest] = useState<Omit<ContactFilters, "q" | "tag">>(initial);
  const debouncedQ = useDebounced(q.trim(), 300);
  const debouncedTag = useDebounced(tag.trim(), 300);
  const filters = useMemo(() => ({ ...rest, q: debouncedQ, tag: debouncedTag }), [rest, debouncedQ, debouncedTag]);
  const pages = useContactPages(filters);
  const lists = useLists();
  const segments = useSegments();
  const rows = useMemo(() => pages.data?.pages.flatMap((p) => p.items) ?? [], [pages.data]);
  const filtered = Object.values(filters).some(Boolean);
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = pages;
  const router = useRouter();
  // Selection for the bulk actions (writers only): ids of rows on screen; rows a filter hides leave it.
  const [picked, setPicked] = useState<ReadonlySet<string>>(() => new Set());
  const rowIds = useMemo(() => rows.map((c) => c.id), [rows]);
  const selected = useMemo(() => keepVisible(picked, rowIds), [picked, rowIds]);
  // "Select all N matching": the filter it was chosen for; a different filter is a different set, so it lapses.
  const [allFor, setAllFor] = useState<ContactFilters | null>(null);
  const allMatching = allFor !== null && sameFilter(allFor, filters);
  const page = allMatching ? "all" : pageSelection(selected, rowIds);
  const offer = writer && offerAllMatching(page, hasNextPage, allMatching);
  const total = useContactCount(filters, offer || allMatching).data?.count;
  // Read through a ref so the memoized rows keep one onToggle while pages load (thousands of rows re-rendered).
  const current = useRef({ allMatching, rowIds });
  useEffect(() => {
    current.current = { allMatching, rowIds };
  }, [allMatching, rowIds]);
  const onToggle = useCallback((id: string) => {
    // Unticking one row of "all matching" leaves the rows on screen but that one, as Gmail does.
    if (current.current.allMatching) {
      setAllFor(null);
      setPicked(new Set(current.current.rowIds.filter((r) => r !== id)));
    } else setPicked((s) => toggleOne(s, id));
  }, []);
  const clearSelection = useCallback(() => {
    setPicked(new Set());
    setAllFor(null);
  }, []);
  const onlyList = rest.listId !== undefined && Object.entries(filters).every(([k, v]) => k === "listId" || !v);
  const listName = lists.data?.items.find((l) => l.id === rest.listId)?.name;

  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasNextPage) return;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
    });
    io.observe(el);
    return () => io.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const set = (k: keyof typeof rest) => (e: React.ChangeEvent<HTMLSelectElement>) =>
    setRest((r) => ({ ...r, [k]: e.target.value || undefined }));

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="font-semibold text-2xl">{t("title")}</h1>
        <ContactsExportButton filters={filters} />
      </div>
      {/* Wrapping flex, not six equal columns: at 1366 px a sixth was too narrow for pt-BR's "Qualquer
          consentimento" and "Respondeu ou não". Consent and replied take their options' width (fixed, translated
          words); list and segment (names people chose) share what is left. One column on phones. */}
      <search className="flex flex-col gap-3 sm:flex-row sm:flex-wrap" aria-label={t("filters")}>
        <div className="relative sm:flex-[2_1_15rem]">
          <Label htmlFor="contacts-q" className="sr-only">
            {t("search")}
          </Label>
          <SearchIcon className="absolute top-2.5 left-2.5 size-4 text-muted-foreground" aria-hidden />
          <Input
            id="contacts-q"
            type="search"
            placeholder={t("search")}
            className="pl-8"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            data-testid="contacts-search"
          />
        </div>
        <div className="sm:flex-[1_1_8rem]">
          <Label htmlFor="contacts-tag" className="sr-only">
            {t("tag")}
          </Label>
          <Input id="contacts-tag" placeholder={t("tag")} value={tag} onChange={(e) => setTag(e.target.value)} />
        </div>
        <NativeSelect
          aria-label={t("list")}
          className={NAMED_SELECT}
          value={rest.listId ?? ""}
          onChange={set("listId")}
        >
          <option value="">{t("anyList")}</option>
          {lists.data?.items.map((l) => (
            <option key={l.id} value={l.id}>
              {l.name}
            </option>
          ))}
        </NativeSelect>
        <NativeSelect
          aria-label={t("consent")}
          className={WORDS_SELECT}
          value={rest.consent ?? ""}
          onChange={set("consent")}
        >
          <option value="">{t("anyConsent")}</option>
          <option value="opted_in">{t("consentState.opted_in")}</option>
          <option value="opted_out">{t("consentState.opted_out")}</option>
          <option value="unknown">{t("consentState.unknown")}</option>
        </NativeSelect>
        <NativeSelect
          aria-label={t("replied")}
          className={WORDS_SELECT}
          value={rest.replied ?? ""}
          onChange={set("replied")}
          data-testid="contacts-replied"
        >
          <option value="">{t("anyReplied")}</option>
          <option value="true">{t("repliedYes")}</option>
          <option value="false">{t("repliedNo")}</option>
        </NativeSelect>
        {(segments.data?.items.length ?? 0) > 0 && (
          <NativeSelect
            aria-label={t("segment")}
            className={NAMED_SELECT}
            value={rest.segmentId ?? ""}
            onChange={set("segmentId")}
          >
            <option value="">{t("anySegment")}</option>
            {segments.data?.items.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </NativeSelect>
        )}
      </search>
      {pages.isPending ? (
        <div className="space-y-2">
          {[0, 1, 2, 3].map((k) => (
            <Skeleton key={k} className="h-10" />
          ))}
        </div>
      ) : pages.error ? (
        <ErrorBox error={pages.error} />
      ) : rows.length === 0 ? (
        onlyList ? (
          <EmptyState
            icon={ListIcon}
            title={listName ? t("listEmptyTitleNamed", { name: listName }) : t("listEmptyTitle")}
            body={writer ? t("listEmptyBody") : t("listEmptyBodyReader")}
            action={
              writer && (
                <div className="flex flex-wrap justify-center gap-2" data-testid="list-empty-actions">
                  <Button
                    onClick={() => {
                      setRest((r) => ({ ...r, listId: undefined }));
                      router.replace("/contacts", { scroll: false });
                    }}
                  >
                    <ListPlusIcon aria-hidden />
                    {t("listEmptyPick")}
                  </Button>
                  <Button variant="outline" asChild>
                    <Link href="/contacts/import">
                      <UploadIcon aria-hidden />
                      {t("importCta")}
                    </Link>
                  </Button>
                </div>
              )
            }
          />
        ) : filtered ? (
          <EmptyState icon={SearchIcon} title={t("noMatchTitle")} body={t("noMatchBody")} />
        ) : (
          <EmptyState
            icon={ContactIcon}
            title={t("emptyTitle")}
            body={writer ? t("emptyBody") : t("emptyBodyReader")}
            action={
              writer && (
                <Button asChild>
                  <Link href="/contacts/import">
                    <UploadIcon aria-hidden />
                    {t("importCta")}
                  </Link>
                </Button>
              )
            }
          />
        )
      ) : (
        <>
          {writer && (selected.size > 0 || allMatching) && (
            <ContactsBulkBar
              selectedIds={[...selected]}
              allMatching={allMatching}
              offer={offer}
              filter={matchingFilter(filters)}
              total={total}
              onSelectAllMatching={() => setAllFor(filters)}
              onClear={clearSelection}
            />
          )}
          <Table aria-label={t("title")} aria-busy={pages.isFetching} data-testid="contacts-table">
            <TableHeader>
              <TableRow>
                {writer && (
                  <TableHead className="w-8">
                    <SelectAll
                      state={page}
                      onChange={() => (allMatching ? clearSelection() : setPicked(toggleAll(selected, rowIds)))}
                    />
                  </TableHead>
                )}
                <TableHead>{t("name")}</TableHead>
                <TableHead>{t("phone")}</TableHead>
                <TableHead className="hidden md:table-cell">{t("tags")}</TableHead>
                <TableHead>{t("consent")}</TableHead>
                <TableHead className="hidden lg:table-cell">{t("lastReply")}</TableHead>
                <TableHead className="hidden lg:table-cell">{t("added")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((c) => (
                <ContactRow
                  key={c.id}
                  contact={c}
                  selectable={writer}
                  selected={allMatching || selected.has(c.id)}
                  onToggle={onToggle}
                />
              ))}
            </TableBody>
          </Table>
          <div ref={sentinel} className="flex items-center justify-between gap-2 text-muted-foreground text-sm">
            <span aria-live="polite">{t("shown", { count: rows.length })}</span>
            {hasNextPage && (
              <Button variant="outline" size="sm" disabled={isFetchingNextPage} onClick={() => void fetchNextPage()}>
                {isFetchingNextPage ? t("loading") : t("loadMore")}
              </Button>
            )}
          </div>
        </>
      )}
    </div>
  );
}

/** The select-all box of the rows on screen: checked when all are, mixed when some are. */
function SelectAll({ state, onChange }: { state: "all" | "some" | "none"; onChange: () => void }) {
  const t = useTranslations("contacts.bulk");
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = state === "some";
  }, [state]);
  return (
    <input
      ref={ref}
      type="checkbox"
      className="size-4 align-middle"
      aria-label={t("selectAll")}
      checked={state === "all"}
      onChange={onChange}
      data-testid="contacts-select-all"
    />
  );
}

const ContactRow = memo(function ContactRow(props: {
  contact: TContact;
  selectable: boolean;
  selected: boolean;
  onToggle: (id: string) => void;
}) {
  const { contact: c, onToggle } = props;
  const t = useTranslations("contacts");
  const format = useFormatter();
  const ago = useRelativeTime();
  return (
    <TableRow
      data-testid="contact-row"
      data-phone={c.phone}
      data-state={props.selected ? "selected" : undefined}
      className="data-[state=selected]:bg-muted/60"
    >
      {props.selectable && (
        <TableCell className="w-8">
          <input
            type="checkbox"
            className="size-4 align-middle"
            aria-label={t("bulk.select", { name: c.name ?? c.phone })}
            checked={props.selected}
            onChange={() => onToggle(c.id)}
            data-testid="contact-select"
          />
        </TableCell>
      )}
      <TableCell className="max-w-48 truncate">
        <Link
          href={`/contacts/${c.id}`}
          className="font-medium outline-none hover:underline focus-visible:ring-[3px] focus-visible:ring-ring/50"
        >
          {c.name ?? t("noName")}
        </Link>
      </TableCell>
      <TableCell className="tabular-nums">{c.phone}</TableCell>
      <TableCell className="hidden md:table-cell">
        <div className="flex flex-wrap gap-1">
          {c.tags.slice(0, 4).map((tag) => (
            <Badge key={tag} variant="outline">
              {tag}
            </Badge>
          ))}
        </div>
      </TableCell>
      <TableCell>
        <Badge variant={CONSENT_TONE[c.consent.state]}>{t(`consentState.${c.consent.state}`)}</Badge>
      </TableCell>
      <TableCell className="hidden lg:table-cell">{c.lastInboundAt ? ago(c.lastInboundAt) : "—"}</TableCell>
      <TableCell className="hidden lg:table-cell">
        {format.dateTime(new Date(c.createdAt), { dateStyle: "medium" })}
      </TableCell>
    </TableRow>
  );
});
