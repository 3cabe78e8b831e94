import distance from "damerau-levenshtein";

/**
 * Recognizes an opt-out reply ("SAIR", "Parar por favor", "no quiero", "STOP!!") in Portuguese, Spanish and English,
 * plus an organization's own words. A message opts out when, once normalized, the whole of it is one of the phrases:
 * case, accents, punctuation, emoji, spacing ("s a i r"), stretched letters ("stooop"), politeness and greetings
 * ("oi, parar por favor, obrigado") do not matter, and small typos are forgiven in proportion to the phrase's length
 * (counted per word: none up to 3 letters, 1 up to 8, 2 beyond; Damerau-Levenshtein, so a swap of two neighbours is one
 * typo). The first letter must be right, and words of four letters only forgive two swapped neighbours: "top"
 * (Brazilian for "great") is not "stop", nor "bala" "baja", nor "quero sim" "quero sair".
 *
 * Whole-message matching is deliberate: "não quero" alone is a refusal, "não quero perder a promoção" is not.
 */

/** The built-in phrases, written as people type them (normalized at load). */
export const DEFAULT_OPT_OUT_PHRASES: readonly string[] = [
  // Portuguese
  "sair",
  "quero sair",
  "sair da lista",
  "parar",
  "pare",
  "para",
  "parem",
  "pode parar",
  "podem parar",
  "pare de mandar",
  "pare de enviar",
  "para de mandar",
  "para de enviar",
  "cancelar",
  "descadastrar",
  "me descadastra",
  "remover",
  "me remove",
  "me remova",
  "me tira da lista",
  "me tire da lista",
  "não quero",
  "não quero mais",
  "não quero receber",
  "não quero mais receber",
  "não quero mais mensagens",
  "não mande mais",
  "não envie mais",
  "não me mande mais mensagens",
  "bloquear",
  // Spanish
  "baja",
  "darme de baja",
  "dame de baja",
  "no quiero",
  "no quiero más",
  "no quiero recibir más",
  "detener",
  "no más",
  "no más mensajes",
  "no me escriban",
  "no me envíen más",
  "eliminarme",
  "cancelar suscripción",
  // English (the carrier keywords, and how people say them)
  "stop",
  "stop all",
  "stopall",
  "unsubscribe",
  "cancel",
  "end",
  "quit",
  "opt out",
  "optout",
  "remove me",
  "no more",
  "do not contact",
  "dont message me",
];

/** Words that carry no intent around an opt-out: politeness, greetings, thanks. Removed before comparing. */
const FILLER = new Set(
  [
    "por favor",
    "porfavor",
    "favor",
    "pf",
    "pfv",
    "pfvr",
    "por gentileza",
    "please",
    "pls",
    "plz",
    "ok",
    "okay",
    "obrigado",
    "obrigada",
    "obg",
    "valeu",
    "vlw",
    "gracias",
    "thanks",
    "thank you",
    "thx",
    "oi",
    "ola",
    "hola",
    "hi",
    "hello",
    "bom dia",
    "boa tarde",
    "boa noite",
    "buenos dias",
    "buenas tardes",
    "buenas noches",
    "buenas",
    "agora",
    "ja",
    "now",
    "ya",
  ].map((w) => normalize(w)),
);
const MAX_FILLER_WORDS = 2;

/**
 * Lower case, no accents (NFKD without combining marks), letters and digits only, single spaces, letters repeated
 * three or more times squeezed to one ("stooop" → "stop").
 */
export function normalize(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .replace(/(\p{L})\1{2,}/gu, "$1")
    .trim()
    .replace(/ +/g, " ");
}

function stripFiller(normalized: string): string {
  const tokens = normalized.split(" ").filter(Boolean);
  const kept: string[] = [];
  for (let i = 0; i < tokens.length; ) {
    let skipped = 0;
    for (let n = MAX_FILLER_WORDS; n >= 1; n--) {
      if (i + n <= tokens.length && FILLER.has(tokens.slice(i, i + n).join(" "))) {
        skipped = n;
        break;
      }
    }
    if (skipped > 0) {
      i += skipped;
      continue;
    }
    kept.push(tokens[i] as string);
    i++;
  }
  return kept.join(" ");
}

/** Typos forgiven for a phrase of `length` letters. */
export function allowedTypos(length: number): number {
  if (length <= 3) return 0;
  if (length <= 8) return 1;
  return 2;
}

export type OptOutMatch = {
  /** The phrase as configured (or built in) that matched. */
  phrase: string;
  /** Typos between the message and the phrase (0 = exact after normalization). */
  distance: number;
};

export type OptOutMatcher = {
  /** The matching phrase, or undefined when the text is not an opt-out. */
  match(text: string): OptOutMatch | undefined;
  /** The phrases in use, as given. */
  phrases: readonly string[];
};

export type OptOutOptions = {
  /** The organization's own words and phrases (any language). */
  words?: readonly string[];
  /** Include the built-in pt/es/en phrases (default true). */
  useDefaults?: boolean;
};

/** Typos between a typed word and a phrase word, or undefined when more than that word may carry. */
function wordDistance(typed: string, word: string): number | undefined {
  if (typed === word) return 0;
  const allowed = allowedTypos(word.length);
  if (allowed === 0 || Math.abs(typed.length - word.length) > allowed) return undefined;
  // The first letter is rarely mistyped, and most wrong first letters make another word ("top" for "stop").
  if (typed[0] !== word[0]) return undefined;
  // Four letters or fewer: only two neighbours swapped ("stpo"); any other change is as likely another word
  // ("bala", "cara", "sai").
  if (word.length <= 4) {
    return typed.length === word.length &&
      [...typed].sort().join("") === [...word].sort().join("") &&
      distance(typed, word).steps === 1
      ? 1
      : undefined;
  }
  const d = distance(typed, word).steps;
  return d <= allowed ? d : undefined;
}

/** Builds a matcher for one organization's settings. Cheap to call; build once per settings change and reuse. */
export function createOptOutMatcher(options: OptOutOptions = {}): OptOutMatcher {
  const phrases = [...(options.useDefaults === false ? [] : DEFAULT_OPT_OUT_PHRASES), ...(options.words ?? [])];
  const compiled = phrases
    .map((phrase) => {
      const words = stripFiller(normalize(phrase)).split(" ").filter(Boolean);
      const compact = words.join("");
      return { phrase, words, compact, typos: allowedTypos(compact.length) };
    })
    .filter((p) => p.compact.length > 0);
  const longest = Math.max(0, ...compiled.map((p) => p.compact.length + p.typos));

  return {
    phrases,
    match(text) {
      // A long text is a conversation, whatever it contains; normalizing it would be wasted work.
      if (text.length > 200) return undefined;
      const words = stripFiller(normalize(text)).split(" ").filter(Boolean);
      const compact = words.join("");
      if (compact.length === 0 || compact.length > longest) return undefined;
      let best: OptOutMatch | undefined;
      for (const p of compiled) {
        // Spacing never matters ("s a i r", "naoquero"); typos are counted word by word, so a phrase's other words
        // cannot absorb a different word ("quero sim" is not "quero sair").
        if (p.compact === compact) return { phrase: p.phrase, distance: 0 };
        if (p.words.length !== words.length) continue;
        let total = 0;
        for (let i = 0; i < words.length && total <= p.typos; i++) {
          const d = wordDistance(words[i] as string, p.words[i] as string);
          total = d === undefined ? Number.POSITIVE_INFINITY : total + d;
        }
        if (total <= p.typos && (!best || total < best.distance)) best = { phrase: p.phrase, distance: total };
      }
      return best;
    },
  };
}
