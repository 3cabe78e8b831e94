import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./sandbox.ts";

const json = (file: string) => JSON.parse(readFileSync(path.join(repoRoot, file), "utf8"));

describe("files the project's configuration points at", () => {
  it("every root package.json script names files that exist", () => {
    const scripts = json("package.json").scripts as Record<string, string>;
    const referenced = Object.entries(scripts).flatMap(([name, command]) =>
      [...command.matchAll(/(?:^|\s)(\.{0,2}\/?[\w.-]+(?:\/[\w.-]+)*\.(?:ts|sh|json|js))(?=\s|$)/g)].map((m) => ({
        name,
        file: m[1] ?? "",
      })),
    );
    expect(referenced.length).toBeGreaterThan(3);
    for (const { name, file } of referenced)
      expect(existsSync(path.join(repoRoot, file)), `${name}: ${file}`).toBe(true);
  });

  it("tsconfig.madge.json maps every workspace package to sources that exist", () => {
    const paths = json("tsconfig.madge.json").compilerOptions.paths as Record<string, string[]>;
    for (const [alias, targets] of Object.entries(paths)) {
      for (const target of targets)
        expect(existsSync(path.join(repoRoot, target.replace(/\/\*$/, ""))), alias).toBe(true);
    }
    for (const dir of readdirSync(path.join(repoRoot, "packages"))) {
      const pkg = json(`packages/${dir}/package.json`) as { name: string; exports: Record<string, string> };
      for (const key of Object.keys(pkg.exports)) {
        const alias = key === "." ? pkg.name : `${pkg.name}/${key.replace(/^\.\//, "")}`;
        const covered = paths[alias] ?? paths[`${pkg.name}/*`];
        expect(covered, `${alias} (packages/${dir})`).toBeDefined();
      }
    }
  });
});
