import type { ZOptOutCheckResponse, ZOptOutSettings } from "@mirage/contracts/messages";
import type { z } from "zod";

export type OptOutCheck = z.infer<typeof ZOptOutCheckResponse>;
export type OptOutSettings = z.infer<typeof ZOptOutSettings>;

/** The API's limits on the organization's own opt-out words (ZUpdateOptOutSettings). */
export const MAX_WORDS = 200;
export const MAX_WORD_LENGTH = 100;

export type AddWordResult =
  | { ok: true; words: string[] }
  | { ok: false; reason: "empty" | "tooLong" | "duplicate" | "tooMany" };

/**
 * `words` with `input` added at the end (trimmed), or why it cannot be: empty, over 100 characters, already there
 * (ignoring case and accents, as the matcher does), or the list already holds 200.
 */
export function addWord(words: readonly string[], input: string): AddWordResult {
  const word = input.trim().replace(/\s+/g, " ");
  if (!word) return { ok: false, reason: "empty" };
  if (word.length > MAX_WORD_LENGTH) return { ok: false, reason: "tooLong" };
  if (words.some((w) => comparable(w) === comparable(word))) return { ok: false, reason: "duplicate" };
  if (words.length >= MAX_WORDS) return { ok: false, reason: "tooMany" };
  return { ok: true, words: [...words, word] };
}

const comparable = (w: string) =>
  w
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .trim();

export type Verdict = { optOut: false } | { optOut: true; phrase: string; source: "own" | "builtIn"; typos: number };

/**
 * What the check route's answer means for people: not an opt-out, or an opt-out because of `phrase`, from the
 * organization's own words or the built-in list, with so many typos forgiven.
 */
export function verdictOf(check: OptOutCheck, ownWords: readonly string[]): Verdict {
  if (!check.optOut || check.phrase === null) return { optOut: false };
  return {
    optOut: true,
    phrase: check.phrase,
    source: ownWords.includes(check.phrase) ? "own" : "builtIn",
    typos: check.distance ?? 0,
  };
}
