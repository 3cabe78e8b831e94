"use client";

import { type TOrgRole, ZOrgRole } from "@mirage/contracts/enums";
import type { TMember } from "@mirage/contracts/organizations";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { UserPlusIcon } from "lucide-react";
import { useFormatter, useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { Input, NativeSelect } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useSession } from "@/features/shell/session-context";
import { api } from "@/lib/api";
import { can } from "@/lib/permissions";
import { toast } from "@/lib/toast";
import { useErrorMessage } from "@/lib/use-error-message";

export function Members() {
  const t = useTranslations("members");
  const tr = useTranslations("roles");
  const tc = useTranslations("common");
  const format = useFormatter();
  const { org, me } = useSession();
  const qc = useQueryClient();
  const { toastError } = useErrorMessage();
  const key = ["members", org.id];
  const members = useQuery({ queryKey: key, queryFn: () => api<{ items: TMember[] }>(`/orgs/${org.id}/members`) });
  // Only an owner may grant or remove ownership.
  const grantable = ZOrgRole.options.filter((r) => r !== "owner" || can(org.role, "org.own"));
  const update = useMutation({
    mutationFn: (v: { userId: string; role: TOrgRole }) =>
      api(`/orgs/${org.id}/members/${v.userId}`, { method: "PATCH", body: { role: v.role } }),
    onSuccess: () => {
      toast.success(t("roleChanged"));
      void qc.invalidateQueries({ queryKey: key });
    },
    onError: (err) => {
      toastError(err);
      void qc.invalidateQueries({ queryKey: key });
    },
  });
  const remove = useMutation({
    mutationFn: (userId: string) => api(`/orgs/${org.id}/members/${userId}`, { method: "DELETE" }),
    onSuccess: () => {
      toast.success(t("removed"));
      void qc.invalidateQueries({ queryKey: key });
    },
    onError: toastError,
  });
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="mr-auto font-semibold text-2xl">{t("title")}</h1>
        <InviteDialog roles={grantable} onDone={() => void qc.invalidateQueries({ queryKey: key })} />
      </div>
      <Table>
        <TableHeader>
          <TableRow>
            <TableHead>{t("email")}</TableHead>
            <TableHead>{t("role")}</TableHead>
            <TableHead>{t("since")}</TableHead>
            <TableHead>
              <span className="sr-only">{tc("actions")}</span>
            </TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {(members.data?.items ?? []).map((m) => {
            const self = m.userId === me.userId;
            const locked = self || (m.role === "owner" && !can(org.role, "org.own"));
            return (
              <TableRow key={m.userId}>
                <TableCell className="font-medium">
                  {m.email ?? "—"} {self && <span className="text-muted-foreground text-xs">({t("you")})</span>}
                </TableCell>
                <TableCell>
                  {locked ? (
                    tr(m.role)
                  ) : (
                    <NativeSelect
                      aria-label={t("roleOf", { email: m.email ?? m.userId })}
                      value={m.role}
                      className="w-40"
                      onChange={(e) => update.mutate({ userId: m.userId, role: e.target.value as TOrgRole })}
                    >
                      {grantable.map((r) => (
                        <option key={r} value={r}>
                          {tr(r)}
                        </option>
                      ))}
                    </NativeSelect>
                  )}
                </TableCell>
                <TableCell>{format.dateTime(new Date(m.createdAt), { dateStyle: "medium" })}</TableCell>
                <TableCell className="text-right">
                  {!locked && (
                    <AlertDialog>
                      <AlertDialogTrigger asChild>
                        <Button variant="ghost" size="sm">
                          {t("remove")}
                        </Button>
                      </AlertDialogTrigger>
                      <AlertDialogContent>
                        <AlertDialogHeader>
                          <AlertDialogTitle>{t("removeTitle", { email: m.email ?? "" })}</AlertDialogTitle>
                          <AlertDialogDescription>{t("removeBody")}</AlertDialogDescription>
                        </AlertDialogHeader>
                        <AlertDialogFooter>
                          <AlertDialogCancel>{tc("cancel")}</AlertDialogCancel>
                          <AlertDialogAction destructive onClick={() => remove.mutate(m.userId)}>
                            {t("remove")}
                          </AlertDialogAction>
                        </AlertDialogFooter>
                      </AlertDialogContent>
                    </AlertDialog>
                  )}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </div>
  );
}

function InviteDialog({ roles, onDone }: { roles: TOrgRole[]; onDone: () => void }) {
  const t = useTranslations("members");
  const tr = useTranslations("roles");
  const tc = useTranslations("common");
  const { org } = useSession();
  const { describe } = useErrorMessage();
  const [open, setOpen] = useState(false);
  const invite = useMutation({
    mutationFn: (body: { email: string; role: TOrgRole; password?: string }) =>
      api(`/orgs/${org.id}/members`, { method: "POST", body }),
    onSuccess: () => {
      toast.success(t("invited"));
      setOpen(false);
      onDone();
    },
  });
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const password = String(f.get("password") ?? "");
    invite.mutate({
      email: String(f.get("email")),
      role: String(f.get("role")) as TOrgRole,
      ...(password ? { password } : {}),
    });
  };
  const err = invite.error ? describe(invite.error) : null;
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button>
          <UserPlusIcon aria-hidden /> {t("invite")}
        </Button>
      </DialogTrigger>
      <DialogContent closeLabel={tc("close")}>
        <form onSubmit={onSubmit} className="grid gap-4">
          <DialogHeader>
            <DialogTitle>{t("inviteTitle")}</DialogTitle>
            <DialogDescription>{t("inviteHelp")}</DialogDescription>
          </DialogHeader>
          <div className="grid gap-2">
            <Label htmlFor="invite-email">{t("email")}</Label>
            <Input id="invite-email" name="email" type="email" required />
          </div>
          <div className="grid gap-2">
            <Label htmlFor="invite-role">{t("role")}</Label>
            <NativeSelect id="invite-role" name="role" defaultValue="operator">
              {roles.map((r) => (
                <option key={r} value={r}>
                  {tr(r)}
                </option>
              ))}
            </NativeSelect>
          </div>
          <div className="grid gap-2">
            <Label htmlFor="invite-password">{t("password")}</Label>
            <Input id="invite-password" name="password" type="password" minLength={10} autoComplete="new-password" />
            <p className="text-muted-foreground text-xs">{t("passwordHelp")}</p>
          </div>
          {err && (
            <p role="alert" className="text-destructive text-sm">
              {err.title} {err.detail && <span className="text-muted-foreground">({err.detail})</span>}
            </p>
          )}
          <DialogFooter>
            <Button type="submit" disabled={invite.isPending}>
              {t("invite")}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
