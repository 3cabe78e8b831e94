import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";

/** Runs a child that installs the stop sequence with `closeMs` of closing work, signals it, answers code and output. */
async function stopChild(closeMs: number, timeoutMs: number, signal: NodeJS.Signals) {
  const module = JSON.stringify(new URL("./index.ts", import.meta.url).pathname);
  const script = `import { createLogger, installShutdown } from ${module};
const logger = createLogger({ service: "stop-test" });
installShutdown({ logger, timeoutMs: ${timeoutMs}, async close() {
  process.stdout.write("closing\\n");
  await new Promise((r) => setTimeout(r, ${closeMs}));
  process.stdout.write("closed\\n");
} });
process.stdout.write("ready\\n");
setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script]);
  let out = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
    if (out.includes("ready\n") && !out.includes("signalled")) {
      out += "signalled\n";
      child.kill(signal);
    }
    if (out.includes("closing\n") && !out.includes("again")) {
      out += "again\n";
      // A second signal joins the sequence already running instead of starting another.
      child.kill(signal === "SIGTERM" ? "SIGINT" : "SIGTERM");
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  return { code, out };
}

describe("installShutdown", () => {
  it("closes once on SIGTERM and exits 143; SIGINT exits 130", async () => {
    const term = await stopChild(50, 10_000, "SIGTERM");
    expect(term.code).toBe(143);
    expect(term.out.match(/closing/g)).toHaveLength(1);
    expect(term.out).toContain("closed");
    expect(term.out).toContain('"msg":"stopped"');
    const int = await stopChild(50, 10_000, "SIGINT");
    expect(int.code).toBe(130);
  }, 60_000);

  it("exits anyway when closing outlasts the timeout", async () => {
    const { code, out } = await stopChild(30_000, 300, "SIGTERM");
    expect(code).toBe(143);
    expect(out).toContain("shutdown timed out");
    expect(out).not.toContain("closed");
  }, 60_000);
});
