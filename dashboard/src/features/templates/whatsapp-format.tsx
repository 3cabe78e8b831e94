import type { ReactNode } from "react";

/**
 * WhatsApp's text formatting as the app shows it: *bold*, _italic_, ~strikethrough~ and ```monospace```. A marker
 * opens after the start, a space or punctuation and before a non-space, and closes before the end, a space or
 * punctuation, on the same line (monospace may span lines and holds no other formatting) — as WhatsApp does.
 */
const RULES: { re: RegExp; render: (inner: ReactNode, key: number) => ReactNode; raw?: boolean }[] = [
  {
    re: /```([\s\S]+?)```/,
    raw: true,
    render: (inner, key) => (
      <code key={key} className="font-mono text-[0.92em]">
        {inner}
      </code>
    ),
  },
  { re: /(?<![\p{L}\p{N}*])\*(?=\S)([^*\n]*?\S)\*(?![\p{L}\p{N}*])/u, render: (i, k) => <strong key={k}>{i}</strong> },
  { re: /(?<![\p{L}\p{N}_])_(?=\S)([^_\n]*?\S)_(?![\p{L}\p{N}_])/u, render: (i, k) => <em key={k}>{i}</em> },
  { re: /(?<![\p{L}\p{N}~])~(?=\S)([^~\n]*?\S)~(?![\p{L}\p{N}~])/u, render: (i, k) => <s key={k}>{i}</s> },
];

let keySeq = 0;

/** `text` as React nodes with WhatsApp's formatting applied (line breaks are kept by the caller's `pre-wrap`). */
export function formatWhatsApp(text: string): ReactNode[] {
  let best: { index: number; length: number; inner: string; rule: (typeof RULES)[number] } | null = null;
  for (const rule of RULES) {
    const m = rule.re.exec(text);
    if (m && (best === null || m.index < best.index)) {
      best = { index: m.index, length: m[0].length, inner: m[1] ?? "", rule };
    }
  }
  if (!best) return text ? [text] : [];
  const before = text.slice(0, best.index);
  const after = text.slice(best.index + best.length);
  const inner = best.rule.raw ? best.inner : formatWhatsApp(best.inner);
  return [...(before ? [before] : []), best.rule.render(inner, ++keySeq), ...formatWhatsApp(after)];
}
