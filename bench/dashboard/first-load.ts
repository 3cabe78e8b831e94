/**
 * What a page's first-load JavaScript is made of, read from the production build's manifests (no server, no
 * browser): the scripts the page's HTML references (Next's runtime and the chunks of the route's layouts and page),
 * each gzipped (level 9, as ui.ts counts them) with the recognisable libraries in it. The nomodule polyfill is listed
 * but not counted (modern browsers skip it). Compare two builds by running it on each.
 * Usage: pnpm exec tsx bench/dashboard/first-load.ts [--route "/(app)/instances/page"] [--next dashboard/.next]
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";

const { values } = parseArgs({
  options: {
    route: { type: "string", default: "/(app)/instances/page" },
    next: { type: "string", default: "dashboard/.next" },
  },
});
const dir = path.resolve(values.next);
const route = values.route;

// Markers of the libraries a chunk holds (production chunks have no module names).
const MARKERS: [string, RegExp][] = [
  ["react-dom", /__reactContainer/],
  ["radix menu", /data-radix-menu-content/],
  ["radix popper", /data-radix-popper/],
  ["radix focus scope / dismissable layer", /FocusScope|DismissableLayer|data-radix-focus-guard/],
  ["radix dialog", /DialogContent|data-radix-dialog/],
  ["tanstack query", /QueryClient/],
  ["next-intl / formatjs", /IntlMessageFormat|@formatjs/],
  ["socket.io-client", /socket\.io|engine\.io/],
  ["sonner", /data-sonner/],
  ["recharts", /recharts/],
  ["zod", /ZodError|\$ZodType/],
];

const globals = globalThis as unknown as { self: unknown; __RSC_MANIFEST: Record<string, unknown> };
globals.self = globalThis;
createRequire(import.meta.url)(path.join(dir, "server/app", `${route}_client-reference-manifest.js`));
const manifest = globals.__RSC_MANIFEST[route] as { entryJSFiles: Record<string, string[]> };
const build = JSON.parse(readFileSync(path.join(dir, "build-manifest.json"), "utf8")) as {
  rootMainFiles: string[];
  polyfillFiles: string[];
};
const entry = Object.keys(manifest.entryJSFiles).find((k) => k.endsWith(`/src/app${route}`));
if (!entry) throw new Error(`no entry for ${route} in the client reference manifest`);
const files = [...new Set([...build.rootMainFiles, ...(manifest.entryJSFiles[entry] ?? [])])];

let total = 0;
const rows: string[] = [];
for (const f of [...files, ...build.polyfillFiles]) {
  const body = readFileSync(path.join(dir, f));
  const kb = gzipSync(body, { level: 9 }).length / 1024;
  const polyfill = build.polyfillFiles.includes(f);
  if (!polyfill) total += kb;
  const text = body.toString("utf8");
  const has = MARKERS.filter(([, re]) => re.test(text)).map(([name]) => name);
  rows.push(
    `${kb.toFixed(1).padStart(7)} kB  ${f}${polyfill ? " (nomodule polyfill, not counted)" : ""}  ${has.join(", ")}`,
  );
}
process.stdout.write(
  `${rows.join("\n")}\nfirst-load JS of ${route}: ${total.toFixed(1)} kB gzipped in ${files.length} scripts\n`,
);
