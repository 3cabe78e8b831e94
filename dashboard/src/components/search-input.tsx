"use client";

import { SearchIcon } from "lucide-react";
import type { ComponentProps } from "react";
import { Input } from "@/components/ui/input";
import { cn } from "@/lib/utils";

/**
 * A search box with its magnifier: `label` is both its placeholder and its accessible name; `className` goes to the
 * wrapper (its width), the other props to the input.
 */
export function SearchInput({
  label,
  className,
  ...input
}: { label: string } & Omit<ComponentProps<typeof Input>, "type" | "placeholder" | "aria-label">) {
  return (
    <div className={cn("relative", className)}>
      <SearchIcon className="absolute top-2.5 left-2.5 size-4 text-muted-foreground" aria-hidden />
      <Input type="search" aria-label={label} placeholder={label} className="pl-8" {...input} />
    </div>
  );
}
