import type { ReactNode } from "react";

/**
 * WhatsApp's text formatting as the app shows it: *bold*, _italic_, ~strikethrough~ and ```monospace```. A marker
 * opens after the start, a space or punctuation and before a non-space, and closes before the end, a space or
 * punctuation, on the same line (monospace may span lines and holds no other formatting) — as WhatsApp does.
 */
const RULES: { re: RegExp; render: (inner: ReactNode, key: number) => ReactNode; raw?: boolean }[] = [
  {
    re: /```([\s\S]+?)```/g,
    raw: true,
    render: (inner, key) => (
      <code key={key} className="font-mono text-[0.92em]">
        {inner}
      </code>
    ),
  },
  { re: /(?<![\p{L}\p{N}*])\*(?=\S)([^*\n]*?\S)\*(?![\p{L}\p{N}*])/gu, render: (i, k) => <strong key={k}>{i}</strong> },
  { re: /(?<![\p{L}\p{N}_])_(?=\S)([^_\n]*?\S)_(?![\p{L}\p{N}_])/gu, render: (i, k) => <em key={k}>{i}</em> },
  { re: /(?<![\p{L}\p{N}~])~(?=\S)([^~\n]*?\S)~(?![\p{L}\p{N}~])/gu, render: (i, k) => <s key={k}>{i}</s> },
];

let keySeq = 0;

/**
 * Past this many characters a text is shown as written: a message from anyone may be 65,536 characters, and its
 * formatting is not worth holding the page for.
 */
export const FORMAT_MAX_LENGTH = 20_000;

/**
 * `text` as React nodes with WhatsApp's formatting applied (line breaks are kept by the caller's `pre-wrap`). One
 * pass from left to right: each rule's next match is kept until the text before it has been consumed, so a text of
 * many spans costs about one search per span and rule, and there is no recursion along the text (only into a span,
 * a few levels at most).
 */
export function formatWhatsApp(text: string): ReactNode[] {
  if (text.length > FORMAT_MAX_LENGTH) return [text];
  const out: ReactNode[] = [];
  const next: (RegExpExecArray | null | undefined)[] = RULES.map(() => undefined);
  let pos = 0;
  for (;;) {
    let best = -1;
    RULES.forEach((rule, i) => {
      let m = next[i];
      if (m === null) return;
      if (m === undefined || m.index < pos) {
        rule.re.lastIndex = pos;
        m = rule.re.exec(text);
        next[i] = m;
      }
      const b = best >= 0 ? next[best] : null;
      if (m && (!b || m.index < b.index)) best = i;
    });
    const m = best >= 0 ? next[best] : null;
    const rule = RULES[best];
    if (!m || !rule) break;
    if (m.index > pos) out.push(text.slice(pos, m.index));
    const inner = m[1] ?? "";
    out.push(rule.render(rule.raw ? inner : formatWhatsApp(inner), ++keySeq));
    pos = m.index + m[0].length;
  }
  if (pos < text.length) out.push(text.slice(pos));
  return out;
}
