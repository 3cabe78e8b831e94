"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { CheckCircle2Icon, SmartphoneIcon } from "lucide-react";
import { useTranslations } from "next-intl";
import { type FormEvent, useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { useSession } from "@/features/shell/session-context";
import { ApiError, api, dashboardPost } from "@/lib/api";
import { useConnectionState, useLiveQr } from "@/lib/realtime";
import { useErrorMessage } from "@/lib/use-error-message";
import { pairingStage } from "./pairing";
import { QrImage } from "./qr-image";
import { qrRefetchInterval, readQrFromApi, SOCKET_GRACE_MS } from "./qr-polling";
import { useInstances } from "./queries";
import { StatusBadge } from "./status";

export type PairMode = "qr" | "code";

function useCountdown(expiresAt: string | null | undefined): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  if (!expiresAt) return null;
  return Math.max(0, Math.round((Date.parse(expiresAt) - now) / 1000));
}

/** Linking a phone to an existing instance: its live QR (or a pairing code), then "connected". Used by the add
 * dialog after the name step and by the "pair" dialog of a number that needs pairing. */
export function PairStep({
  instanceId,
  mode,
  setMode,
  onDone,
}: {
  instanceId: string;
  mode: PairMode;
  setMode: (s: PairMode) => void;
  onDone: () => void;
}) {
  const t = useTranslations("add");
  const { org } = useSession();
  const instance = useInstances().data?.items.find((i) => i.id === instanceId);

  const stage = pairingStage(instance?.status);
  // Connected, or linked but degraded/restricted: no QR or code to offer any more, only that it worked.
  if (instance && stage === "done") {
    return (
      <div className="grid gap-4" data-testid="pair-success">
        <DialogHeader>
          <DialogTitle className="flex items-center gap-2">
            <CheckCircle2Icon className="text-success" aria-hidden /> {t("connectedTitle")}
            {instance.status !== "connected" && <StatusBadge status={instance.status} />}
          </DialogTitle>
          <DialogDescription>
            {t("connectedBody", { name: instance.name, phone: instance.phone ?? "" })}
          </DialogDescription>
        </DialogHeader>
        <DialogFooter>
          <Button onClick={onDone}>{t("done")}</Button>
        </DialogFooter>
      </div>
    );
  }
  return (
    <div className="grid gap-4">
      <DialogHeader>
        <DialogTitle>{mode === "code" ? t("codeTitle") : t("qrTitle")}</DialogTitle>
        <DialogDescription>{mode === "code" ? t("codeHelp") : t("qrHelp")}</DialogDescription>
      </DialogHeader>
      {stage === "expired" ? (
        <Expired orgId={org.id} instanceId={instanceId} />
      ) : mode === "code" ? (
        <PairingCode orgId={org.id} instanceId={instanceId} />
      ) : (
        <QrPanel orgId={org.id} instanceId={instanceId} />
      )}
      <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
        <span className="flex items-center gap-2 text-muted-foreground">
          {instance ? (
            <>
              {t("statusNow")} <StatusBadge status={instance.status} />
            </>
          ) : null}
        </span>
        <Button variant="link" className="px-0" onClick={() => setMode(mode === "code" ? "qr" : "code")}>
          {mode === "code" ? t("useQr") : t("useCode")}
        </Button>
      </div>
    </div>
  );
}

function Expired({ orgId, instanceId }: { orgId: string; instanceId: string }) {
  const t = useTranslations("add");
  const { toastError } = useErrorMessage();
  const restart = useMutation({
    mutationFn: () => api(`/orgs/${orgId}/instances/${instanceId}/start`, { method: "POST" }),
    onError: toastError,
  });
  return (
    <div role="alert" className="grid gap-3 rounded-md border border-warning/40 bg-warning/10 p-4 text-sm">
      <p>{t("expired")}</p>
      <Button onClick={() => restart.mutate()} disabled={restart.isPending}>
        {t("newCodes")}
      </Button>
    </div>
  );
}

function QrPanel({ orgId, instanceId }: { orgId: string; instanceId: string }) {
  const t = useTranslations("add");
  const { simulator } = useSession();
  const { toastError } = useErrorMessage();
  const live = useLiveQr(instanceId);
  const connection = useConnectionState();
  const [graceOver, setGraceOver] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setGraceOver(true), SOCKET_GRACE_MS);
    return () => clearTimeout(timer);
  }, []);
  const socketSilent = graceOver && !live;
  // QRs arrive on the socket; the API is read only while the socket is not live or stays silent (readQrFromApi), so
  // a new number's dialog does not ask for a QR the worker has not drawn yet (a 404 in the console every 1.5 s).
  const fromApi = useQuery({
    queryKey: ["instance-qr", orgId, instanceId],
    enabled: readQrFromApi(connection, socketSilent),
    queryFn: () =>
      api<{ qr: string; dataUrl: string; expiresAt: string }>(`/orgs/${orgId}/instances/${instanceId}/qr`).catch(
        (err) => {
          if (err instanceof ApiError && err.status === 404) return null;
          throw err;
        },
      ),
    refetchInterval: (q) =>
      qrRefetchInterval({
        connection,
        socketSilent,
        live,
        fetchedAt: q.state.dataUpdatedAt,
        shown: q.state.data,
        now: Date.now(),
      }),
    staleTime: 0,
  });
  const apiQr = fromApi.data ?? null;
  const useLive = live && (!apiQr || live.receivedAt > fromApi.dataUpdatedAt);
  const qr = useLive ? live.qr : (apiQr?.qr ?? null);
  const expiresAt = useLive ? live.expiresAt : apiQr?.expiresAt;
  const seconds = useCountdown(expiresAt);
  const scan = useMutation({
    mutationFn: () => dashboardPost<{ phone: string }>("/api/sim/scan", { orgId, instanceId }),
    onError: toastError,
  });
  return (
    <div className="grid justify-items-center gap-3">
      <QrImage value={qr} fallbackDataUrl={useLive ? undefined : apiQr?.dataUrl} alt={t("qrAlt")} />
      <p className="text-muted-foreground text-sm" data-testid="qr-countdown">
        {qr ? (seconds !== null ? t("expiresIn", { seconds }) : t("waitingNext")) : t("waitingQr")}
      </p>
      {simulator && (
        <Button
          variant="secondary"
          onClick={() => scan.mutate()}
          disabled={!qr || scan.isPending}
          data-testid="sim-scan"
        >
          <SmartphoneIcon aria-hidden /> {t("simScan")}
        </Button>
      )}
    </div>
  );
}

function PairingCode({ orgId, instanceId }: { orgId: string; instanceId: string }) {
  const t = useTranslations("add");
  const { simulator } = useSession();
  const { message, toastError } = useErrorMessage();
  const [problem, setProblem] = useState<string | null>(null);
  const request = useMutation({
    mutationFn: async (input: string) => {
      const { parsePhone } = await import("@mirage/phone");
      const parsed = parsePhone(input, { defaultCountry: "BR" });
      if (!parsed.ok) throw new PhoneProblem(parsed.reason);
      return api<{ code: string; phone: string }>(`/orgs/${orgId}/instances/${instanceId}/pairing-code`, {
        method: "POST",
        body: { phone: parsed.phone.e164 },
      });
    },
    onMutate: () => setProblem(null),
    onError: (err) => {
      if (err instanceof PhoneProblem) setProblem(t(`phoneProblem.${err.reason}`));
      else setProblem(message(err));
    },
  });
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    request.mutate(String(new FormData(e.currentTarget).get("phone") ?? ""));
  };
  // Simulator mode: the number's virtual phone types the code, as the QR panel's virtual phone scans.
  const enter = useMutation({
    mutationFn: (input: { phone: string; code: string }) =>
      dashboardPost<{ phone: string }>("/api/sim/pairing-code", input),
    onError: toastError,
  });
  if (request.data) {
    const { code, phone } = request.data;
    return (
      <div className="grid justify-items-center gap-2">
        <p className="font-mono font-semibold text-3xl tracking-[0.3em]" data-testid="pairing-code">
          {code.length === 8 ? `${code.slice(0, 4)}-${code.slice(4)}` : code}
        </p>
        <p className="text-center text-muted-foreground text-sm">{t("codeSteps", { phone })}</p>
        {simulator && (
          <Button
            variant="secondary"
            onClick={() => enter.mutate({ phone, code })}
            disabled={enter.isPending || enter.isSuccess}
            data-testid="sim-enter-code"
          >
            <SmartphoneIcon aria-hidden /> {t("simEnterCode")}
          </Button>
        )}
      </div>
    );
  }
  return (
    <form onSubmit={onSubmit} className="grid gap-2">
      <Label htmlFor="pair-phone">{t("phone")}</Label>
      <Input
        id="pair-phone"
        name="phone"
        inputMode="tel"
        autoComplete="tel"
        placeholder="(11) 99999-0000"
        required
        aria-invalid={problem ? true : undefined}
        aria-describedby="pair-phone-help"
      />
      <p id="pair-phone-help" className={problem ? "text-destructive text-sm" : "text-muted-foreground text-sm"}>
        {problem ?? t("phoneHelp")}
      </p>
      <Button type="submit" disabled={request.isPending}>
        {t("getCode")}
      </Button>
    </form>
  );
}

class PhoneProblem extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}
