"use client";

import { type TOrgRole, ZOrgRole } from "@mirage/contracts/enums";
import type { TInvitation } from "@mirage/contracts/invitations";
import type { TMember } from "@mirage/contracts/organizations";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { UserPlusIcon } from "lucide-react";
import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";
import { PageHeader } from "@/components/page-parts";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Input, NativeSelect } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { TableCell, TableRow } from "@/components/ui/table";
import { useSession } from "@/features/shell/session-context";
import { api } from "@/lib/api";
import { can } from "@/lib/permissions";
import { toast } from "@/lib/toast";
import { useDelete } from "@/lib/use-delete";
import { useErrorMessage } from "@/lib/use-error-message";
import { useRelativeTime } from "@/lib/use-relative-time";
import { ActionsCell, ShownOnce } from "./confirm-button";
import { SettingsTable } from "./settings-table";
import { FormDialog } from "./settings-ui";

type CreatedInvitation = TInvitation & { token: string };

/** The link the invited person opens: this dashboard's accept page with the one-time token. */
const acceptLink = (token: string) => `${window.location.origin}/invitations/accept?token=${encodeURIComponent(token)}`;

/**
 * Members by invitation: invite an email with a role (the one-time link is shown once, to hand over), pending
 * invitations with a new link or revoke, and the members with their role and removal.
 */
export function Members() {
  const t = useTranslations("members");
  const { org } = useSession();
  const qc = useQueryClient();
  const { toastError } = useErrorMessage();
  const invitationsKey = ["invitations", org.id];
  // Only an owner may grant or remove ownership.
  const grantable = ZOrgRole.options.filter((r) => r !== "owner" || can(org.role, "org.own"));
  const [link, setLink] = useState<CreatedInvitation | null>(null);
  const resend = useMutation({
    mutationFn: (inv: TInvitation) =>
      api<CreatedInvitation>(`/orgs/${org.id}/invitations`, {
        method: "POST",
        body: { email: inv.email, role: inv.role },
      }),
    onSuccess: (created) => {
      setLink(created);
      void qc.invalidateQueries({ queryKey: invitationsKey });
    },
    onError: toastError,
  });
  return (
    <div className="space-y-6">
      <PageHeader title={t("title")}>
        <InviteDialog roles={grantable} onDone={() => void qc.invalidateQueries({ queryKey: invitationsKey })} />
      </PageHeader>
      <MemberTable grantable={grantable} />
      <PendingInvitations onResend={(inv) => resend.mutate(inv)} />
      <Dialog open={link !== null} onOpenChange={(o) => !o && setLink(null)}>
        {link && <LinkShownOnce invitation={link} />}
      </Dialog>
    </div>
  );
}

function LinkShownOnce({ invitation }: { invitation: CreatedInvitation }) {
  const t = useTranslations("members");
  const tc = useTranslations("common");
  const format = useFormatter();
  return (
    <DialogContent closeLabel={tc("close")}>
      <DialogHeader>
        <DialogTitle>{t("linkTitle", { email: invitation.email })}</DialogTitle>
        <DialogDescription>
          {t("linkHelp", { expires: format.dateTime(new Date(invitation.expiresAt), { dateStyle: "medium" }) })}
        </DialogDescription>
      </DialogHeader>
      <ShownOnce value={acceptLink(invitation.token)} warning={t("linkShownOnce")} copyLabel={t("copyLink")} />
    </DialogContent>
  );
}

function MemberTable({ grantable }: { grantable: TOrgRole[] }) {
  const t = useTranslations("members");
  const tr = useTranslations("roles");
  const format = useFormatter();
  const { org, me } = useSession();
  const qc = useQueryClient();
  const { toastError } = useErrorMessage();
  const key = ["members", org.id];
  const members = useQuery({ queryKey: key, queryFn: () => api<{ items: TMember[] }>(`/orgs/${org.id}/members`) });
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
  const remove = useDelete({
    path: (userId) => `/orgs/${org.id}/members/${userId}`,
    queryKey: key,
    done: t("removed"),
  });
  return (
    <SettingsTable testId="members" heads={[t("email"), t("role"), t("since")]}>
      {(members.data?.items ?? []).map((m) => {
        const self = m.userId === me.userId;
        const locked = self || (m.role === "owner" && !can(org.role, "org.own"));
        return (
          <TableRow key={m.userId} data-member={m.email ?? m.userId}>
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
            <ActionsCell
              remove={
                !locked && {
                  label: t("remove"),
                  title: t("removeTitle", { email: m.email ?? "" }),
                  body: t("removeBody"),
                  onConfirm: () => remove.mutate(m.userId),
                }
              }
            />
          </TableRow>
        );
      })}
    </SettingsTable>
  );
}

function PendingInvitations({ onResend }: { onResend: (inv: TInvitation) => void }) {
  const t = useTranslations("members");
  const tr = useTranslations("roles");
  const ago = useRelativeTime();
  const { org } = useSession();
  const key = ["invitations", org.id];
  const invitations = useQuery({
    queryKey: key,
    queryFn: () => api<{ items: TInvitation[] }>(`/orgs/${org.id}/invitations`),
  });
  const revoke = useDelete({ path: (id) => `/orgs/${org.id}/invitations/${id}`, queryKey: key, done: t("revoked") });
  const pending = (invitations.data?.items ?? []).filter((i) => i.status === "pending");
  return (
    <section className="space-y-2" aria-labelledby="pending-title">
      <h2 id="pending-title" className="font-semibold text-lg">
        {t("pendingTitle")}
      </h2>
      <SettingsTable
        testId="invitations"
        heads={[t("email"), t("role"), t("expires")]}
        empty={
          invitations.data && pending.length === 0 && <p className="text-muted-foreground text-sm">{t("noPending")}</p>
        }
      >
        {pending.map((i) => (
          <TableRow key={i.id} data-invitation={i.email}>
            <TableCell className="font-medium">{i.email}</TableCell>
            <TableCell>{tr(i.role)}</TableCell>
            <TableCell>{ago(i.expiresAt)}</TableCell>
            <ActionsCell
              remove={{
                label: t("revoke"),
                title: t("revokeTitle", { email: i.email }),
                body: t("revokeBody"),
                onConfirm: () => revoke.mutate(i.id),
              }}
            >
              <Button variant="ghost" size="sm" onClick={() => onResend(i)}>
                {t("resend")}
              </Button>
            </ActionsCell>
          </TableRow>
        ))}
      </SettingsTable>
    </section>
  );
}

function InviteDialog({ roles, onDone }: { roles: TOrgRole[]; onDone: () => void }) {
  const t = useTranslations("members");
  const tr = useTranslations("roles");
  const format = useFormatter();
  const { org } = useSession();
  const invite = useMutation({
    mutationFn: (body: { email: string; role: TOrgRole }) =>
      api<CreatedInvitation>(`/orgs/${org.id}/invitations`, { method: "POST", body }),
    onSuccess: () => {
      toast.success(t("invited"));
      onDone();
    },
  });
  const created = invite.data;
  return (
    <FormDialog
      onClose={() => invite.reset()}
      trigger={{ label: t("invite"), icon: UserPlusIcon, testId: "invite-member" }}
      title={created ? t("linkTitle", { email: created.email }) : t("inviteTitle")}
      description={
        created
          ? t("linkHelp", { expires: format.dateTime(new Date(created.expiresAt), { dateStyle: "medium" }) })
          : t("inviteHelp")
      }
      submitLabel={t("invite")}
      pending={invite.isPending}
      error={invite.error}
      onSubmit={(f) => invite.mutate({ email: String(f.get("email")), role: String(f.get("role")) as TOrgRole })}
      result={
        created && (
          <ShownOnce value={acceptLink(created.token)} warning={t("linkShownOnce")} copyLabel={t("copyLink")} />
        )
      }
    >
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
    </FormDialog>
  );
}
