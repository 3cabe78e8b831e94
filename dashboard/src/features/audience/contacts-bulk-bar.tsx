"use client";

import type { TContactFilter } from "@mirage/contracts/contacts";
import { ListPlusIcon, XIcon } from "lucide-react";
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { AddToListDialog } from "./add-to-list-dialog";

/**
 * The contacts table's bulk toolbar: how many are selected, "Add to list…", and — when every loaded row is selected
 * and the filter matches more — the offer to select all of them (Gmail's "Select all N conversations").
 */
export function ContactsBulkBar(props: {
  selectedIds: readonly string[];
  /** The whole filter is selected, not only rows. */
  allMatching: boolean;
  /** Offer to select the whole filter. */
  offer: boolean;
  filter: TContactFilter;
  /** How many the filter matches (undefined while counting; the offer waits for it). */
  total: number | undefined;
  onSelectAllMatching: () => void;
  onClear: () => void;
}) {
  const t = useTranslations("contacts.bulk");
  const ta = useTranslations("contacts.addToList");
  const { allMatching, total } = props;
  return (
    <div
      role="toolbar"
      aria-label={t("label")}
      className="flex flex-wrap items-center gap-2 rounded-md border bg-muted/50 px-3 py-2 text-sm"
      data-testid="contacts-bulk"
    >
      <span className="mr-auto flex flex-wrap items-center gap-x-2" aria-live="polite">
        <span className="font-medium">
          {allMatching
            ? t("allMatchingSelected", { count: total ?? 0 })
            : t("selected", { count: props.selectedIds.length })}
        </span>
        {/* Offered once counted: the marketer sees how many the list will receive before choosing. */}
        {props.offer && total !== undefined && (
          <Button
            variant="link"
            size="sm"
            className="h-auto p-0"
            onClick={props.onSelectAllMatching}
            data-testid="select-all-matching"
          >
            {t("selectAllMatching", { count: total })}
          </Button>
        )}
      </span>
      <AddToListDialog
        contactIds={allMatching ? undefined : props.selectedIds}
        matching={allMatching ? { filter: props.filter, count: total ?? 0 } : undefined}
        onDone={props.onClear}
      >
        <Button size="sm" data-testid="bulk-add-to-list">
          <ListPlusIcon aria-hidden />
          {ta("open")}
        </Button>
      </AddToListDialog>
      <Button size="sm" variant="ghost" onClick={props.onClear}>
        <XIcon aria-hidden />
        {t("clear")}
      </Button>
    </div>
  );
}
