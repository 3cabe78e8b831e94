import type { TInstanceStatus } from "@mirage/contracts/enums";
import type { TInstance } from "@mirage/contracts/instances";
import { ATTENTION_ORDER } from "@/features/instances/status";

// Apart from the health board's component so that the overview, which lists the same problems, does not bring the
// board (and its messages) along.

export type Problem = { instance: TInstance; kind: TInstanceStatus | "mismatched_number" };

const digits = (s: string | null) => (s ?? "").replace(/\D/g, "");

/** The problems an admin must act on, worst first; a linked phone that is not the expected number is one too. */
export function problemsOf(items: TInstance[]): Problem[] {
  const out: Problem[] = [];
  for (const instance of items) {
    if (ATTENTION_ORDER.includes(instance.status)) out.push({ instance, kind: instance.status });
    else if (instance.phone && instance.waJid && !instance.waJid.startsWith(`${digits(instance.phone)}@`)) {
      out.push({ instance, kind: "mismatched_number" });
    }
  }
  const rank = (p: Problem) =>
    p.kind === "mismatched_number" ? ATTENTION_ORDER.length : ATTENTION_ORDER.indexOf(p.kind);
  return out.sort((a, b) => rank(a) - rank(b) || a.instance.name.localeCompare(b.instance.name));
}
