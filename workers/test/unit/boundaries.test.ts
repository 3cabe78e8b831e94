import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

// The worker's shape, checked: small files, the sessions port fenced by lint, the simulator never loaded in
// production.
const workers = path.resolve(import.meta.dirname, "../..");
const repo = path.resolve(workers, "..");
const sources = (readdirSync(path.join(workers, "src"), { recursive: true }) as string[])
  .filter((f) => f.endsWith(".ts"))
  .map((f) => path.join(workers, "src", f));

/** Lints `code` as if it lived at `file` in the repository, with the repository's biome.json, in a scratch copy. */
function lint(file: string, code: string): { ok: boolean; output: string } {
  const scratch = mkdtempSync(path.join(tmpdir(), "mirage-fence-"));
  try {
    copyFileSync(path.join(repo, "biome.json"), path.join(scratch, "biome.json"));
    mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true });
    writeFileSync(path.join(scratch, file), code);
    const output = execFileSync(path.join(repo, "node_modules/.bin/biome"), ["lint", file], {
      cwd: scratch,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return { ok: true, output };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

describe("worker boundaries", () => {
  it("no source file under workers/src is longer than 400 lines", () => {
    const long = sources.filter((f) => readFileSync(f, "utf8").split("\n").length > 400);
    expect(long).toEqual([]);
  });

  it("@mirage/wa-sim is a dev dependency, only ever imported dynamically (simulator mode)", () => {
    const pkg = JSON.parse(readFileSync(path.join(workers, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(pkg.dependencies["@mirage/wa-sim"]).toBeUndefined();
    expect(pkg.devDependencies["@mirage/wa-sim"]).toBeDefined();
    const staticImports = sources.filter((f) => /^\s*import[^(]*["']@mirage\/wa-sim/m.test(readFileSync(f, "utf8")));
    expect(staticImports).toEqual([]);
  });

  it("lint fences the sessions port: outside sessions/ only sessions/index.ts, and never Baileys", {
    timeout: 30_000,
  }, () => {
    const outside = lint(
      "workers/src/messaging/probe.ts",
      'import { Session } from "../sessions/session.ts";\nexport const s = Session;\n',
    );
    expect(outside.ok).toBe(false);
    expect(outside.output).toContain("import only its port");
    const baileys = lint(
      "workers/src/messaging/probe.ts",
      'import { proto } from "@whiskeysockets/baileys";\nexport const p = proto;\n',
    );
    expect(baileys.ok).toBe(false);
    const port = lint(
      "workers/src/messaging/probe.ts",
      'import type { SessionsPort } from "../sessions/index.ts";\nexport type P = SessionsPort;\n',
    );
    expect(port.ok, port.output).toBe(true);
    const inside = lint(
      "workers/src/sessions/probe.ts",
      'import { Session } from "./session.ts";\nexport const s = Session;\n',
    );
    expect(inside.ok, inside.output).toBe(true);
  });
});
