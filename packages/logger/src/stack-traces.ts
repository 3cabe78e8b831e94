import { findSourceMap, type SourceMap } from "node:module";
import { fileURLToPath } from "node:url";

export type LeanStackOptions = {
  /**
   * Stacks captured for later: an error with an empty message whose first frame's file (a path or file URL, as V8
   * reports it) `file` accepts keeps its first `frames` frames (≥ 1).
   */
  brief?: { file: (fileName: string) => boolean; frames: number };
};

/**
 * Error stacks formatted without Node's per-frame source-map lookups, still pointing at the TypeScript source.
 *
 * A process started through tsx has Node's source maps enabled, and Node then formats every stack through them:
 * each frame's file name becomes a URL and is looked up again, for every frame of every stack. Baileys reads
 * `new Error().stack` twice for every frame it writes to WhatsApp (kept for the message of a timeout that almost
 * never fires): with Node's formatting each write cost about 47 µs of CPU, of which 24 µs went to source maps for
 * stacks nobody reads; lean, 31 µs (bench/sessions/stack-cost.ts).
 *
 * Installed, `Error.prepareStackTrace` formats frames with V8's own `CallSite#toString` and rewrites a frame's
 * position only when its file has a source map (the project's TypeScript): one cached lookup per file, not per
 * frame. The text keeps Node's shape (`Name: message`, then `    at fn (file:line:column)` lines). Something that
 * installs its own `Error.prepareStackTrace` later still wins.
 *
 * `brief` shortens the stacks a library captures for later rather than throws (an `Error` with no message, its first
 * frame in a file `brief.file` accepts): only their first `brief.frames` frames are formatted, then a line saying
 * how many were left out. Baileys' timing stacks name the query that timed out within their first few frames.
 *
 * @returns a function that puts back the previous `Error.prepareStackTrace`.
 */
export function installLeanStackTraces(opts: LeanStackOptions = {}): () => void {
  const brief = opts.brief && { file: opts.brief.file, frames: Math.max(1, Math.floor(opts.brief.frames)) };
  const previous = Error.prepareStackTrace;
  // File name as V8 reports it (a path, or a file URL for ES modules) → its source map, or null without one. A
  // module's map is registered when it loads, before any of its frames can exist: a miss stays a miss.
  const maps = new Map<string, SourceMap | null>();
  const mapOf = (file: string): SourceMap | null => {
    let map = maps.get(file);
    if (map === undefined) {
      try {
        map = findSourceMap(file) ?? null;
      } catch {
        map = null;
      }
      maps.set(file, map);
    }
    return map;
  };

  // A source map names its sources by file URL; stacks show paths, as Node's own formatting does.
  const paths = new Map<string, string>();
  const pathOf = (source: string): string => {
    let path = paths.get(source);
    if (path === undefined) {
      try {
        path = source.startsWith("file://") ? fileURLToPath(source) : source;
      } catch {
        path = source;
      }
      paths.set(source, path);
    }
    return path;
  };

  const frame = (site: NodeJS.CallSite): string => {
    const text = String(site);
    const file = site.getFileName();
    const line = site.getLineNumber();
    const column = site.getColumnNumber();
    if (!file || line === null || column === null) return text;
    const map = mapOf(file);
    if (!map) return text;
    // V8 counts lines and columns from 1, source maps from 0.
    const entry = map.findEntry(line - 1, column - 1) as Partial<{
      originalSource: string;
      originalLine: number;
      originalColumn: number;
    }>;
    if (entry.originalSource === undefined || entry.originalLine === undefined) return text;
    const generated = `${file}:${line}:${column}`;
    const original = `${pathOf(entry.originalSource)}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1}`;
    const at = text.lastIndexOf(generated);
    return at < 0 ? text : text.slice(0, at) + original + text.slice(at + generated.length);
  };

  Error.prepareStackTrace = (error: Error, sites: NodeJS.CallSite[]) => {
    let out: string;
    try {
      out = Error.prototype.toString.call(error);
    } catch {
      out = "<error>";
    }
    let shown = sites.length;
    if (brief && sites.length > brief.frames && error.message === "") {
      const top = sites[0]?.getFileName();
      if (top && brief.file(top)) shown = brief.frames;
    }
    for (let i = 0; i < shown; i++) out += `\n    at ${frame(sites[i] as NodeJS.CallSite)}`;
    if (shown < sites.length) out += `\n    ... ${sites.length - shown} more frames`;
    return out;
  };
  return () => {
    Error.prepareStackTrace = previous;
  };
}
