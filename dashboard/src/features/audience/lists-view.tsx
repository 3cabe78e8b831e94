"use client";

import { ListIcon, PencilIcon, PlusIcon } from "lucide-react";
import { useFormatter, useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { CollectionTable } from "./collection-table";
import { ListFormDialog } from "./list-form-dialog";
import { useLists } from "./queries";

/** Static lists: member counts, create, rename, delete (the contacts stay). */
export function ListsView() {
  const t = useTranslations("lists");
  const lists = useLists();
  const format = useFormatter();
  return (
    <CollectionTable
      kind="lists"
      query={lists}
      icon={ListIcon}
      add={
        <ListFormDialog>
          <Button data-testid="new-list">
            <PlusIcon aria-hidden />
            {t("new")}
          </Button>
        </ListFormDialog>
      }
      rowTestId="list-row"
      href={(l) => `/contacts?listId=${l.id}`}
      columns={[
        {
          header: t("members"),
          headClassName: "text-right",
          cellClassName: "text-right tabular-nums",
          cell: (l) => format.number(l.memberCount),
        },
        {
          header: t("updated"),
          headClassName: "hidden sm:table-cell",
          cellClassName: "hidden sm:table-cell",
          cell: (l) => format.dateTime(new Date(l.updatedAt), { dateStyle: "medium" }),
        },
      ]}
      actions={(l) => (
        <ListFormDialog list={l}>
          <Button variant="ghost" size="sm" aria-label={t("editNamed", { name: l.name })}>
            <PencilIcon aria-hidden />
          </Button>
        </ListFormDialog>
      )}
    />
  );
}
