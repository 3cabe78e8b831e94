/**
 * Contact import end to end: a generated CSV (mixed number formats, 1% malformed numbers, 2% repeated people)
 * uploaded over HTTP to the real orchestrator (child process), stored in Postgres, parsed and upserted by the
 * BullMQ job, until the import record says completed. Prints the time, rows/s and the orchestrator's peak RSS.
 * Goals: 100k rows < 10 s and peak RSS < 300 MB.
 *
 *   npx tsx bench/audience/import.ts [--rows 100000] [--runs 3]
 *   npx tsx bench/audience/import.ts --rows 1000000 --runs 1
 */
import { createWriteStream, existsSync, readFileSync, statSync } from "node:fs";
import { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import { parseArgs } from "node:util";
import { median } from "../lib.ts";
import { startBenchStack } from "../orchestrator/stack.ts";

const { values } = parseArgs({
  options: { rows: { type: "string", default: "100000" }, runs: { type: "string", default: "3" } },
});
const rows = Number(values.rows);
const runs = Math.max(1, Number(values.runs));

/** Deterministic file: the same rows for the same count, written once to /tmp. */
async function generate(n: number): Promise<string> {
  const file = `/tmp/mirage-bench-contacts-${n}.csv`;
  if (existsSync(file)) return file;
  const out = createWriteStream(file);
  const cities = ["São Paulo", "Rio de Janeiro", "Belo Horizonte", "Recife", "Porto Alegre", "Salvador"];
  out.write("Nome,Celular,Telefone,Cidade,Etiquetas,Observações\r\n");
  let buf = "";
  for (let i = 0; i < n; i++) {
    // 2% of rows repeat an earlier person (same number, another form); 1% hold a malformed number.
    const person = i % 50 === 49 ? i - 37 : i;
    const sub = String(10_000_000 + (person % 90_000_000)).padStart(8, "0");
    const ddd = 11 + (person % 80);
    const forms = [`(${ddd}) 9${sub.slice(0, 4)}-${sub.slice(4)}`, `+55 ${ddd} 9${sub}`, `${ddd}9${sub}`];
    const mobile = i % 100 === 7 ? `9${sub.slice(0, 3)}` : forms[i % 3];
    const landline = i % 4 === 0 ? `(${ddd}) 3${sub.slice(1, 4)}-${sub.slice(4)}` : "";
    const tags = i % 3 === 0 ? "vip ::: lead" : "lead";
    buf += `Cliente ${person},${mobile},${landline},${cities[person % cities.length]},${tags},"linha ${i}, obs"\r\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once("drain", () => r()));
      buf = "";
    }
  }
  out.end(buf);
  await finished(out);
  return file;
}

const vm = (pid: number, key: "VmRSS" | "VmHWM"): number => {
  const m = new RegExp(`${key}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
};

/** CPU seconds (user + system) the process has used: a figure the machine's other load does not inflate much. */
const cpuSeconds = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const loadAverage = () => readFileSync("/proc/loadavg", "utf8").split(" ")[0];

const file = await generate(rows);
const mb = statSync(file).size / 1024 / 1024;
console.log(`file: ${rows} rows, ${mb.toFixed(1)} MB (${file})`);

const totals: number[] = [];
const peaks: number[] = [];
for (let run = 1; run <= runs; run++) {
  // A fresh stack per run: an empty organization, and a peak RSS that belongs to this run alone.
  const stack = await startBenchStack({ LOG_LEVEL: "error" });
  try {
    const token = await stack.token(stack.users.marketer ?? "");
    const idleRss = vm(stack.pid, "VmRSS");
    const cpuBefore = cpuSeconds(stack.pid);
    let sampledPeak = idleRss;
    const sampler = setInterval(() => {
      sampledPeak = Math.max(sampledPeak, vm(stack.pid, "VmRSS"));
    }, 50);
    const t0 = performance.now();
    const res = await fetch(`${stack.url}/api/v1/orgs/${stack.orgId}/imports?filename=bench.csv&defaultCountry=BR`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "text/csv" },
      body: Readable.toWeb((await import("node:fs")).createReadStream(file)) as ReadableStream,
      duplex: "half",
    } as RequestInit);
    const created = (await res.json()) as { id?: string; detail?: string };
    if (res.status !== 202 || !created.id) throw new Error(`upload refused: ${res.status} ${created.detail}`);
    const uploaded = performance.now() - t0;
    const uploadPeak = sampledPeak;
    let body: { status: string; counts: Record<string, number>; error: string | null };
    for (;;) {
      const r = await fetch(`${stack.url}/api/v1/orgs/${stack.orgId}/imports/${created.id}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      body = (await r.json()) as typeof body;
      if (body.status === "completed" || body.status === "failed") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const total = performance.now() - t0;
    clearInterval(sampler);
    const hwm = vm(stack.pid, "VmHWM");
    const cpu = cpuSeconds(stack.pid) - cpuBefore;
    const [n] = await stack.admin<{ n: number }[]>`select count(*)::int as n from public.contacts`;
    console.log(
      `run ${run}: ${body.status} in ${(total / 1000).toFixed(2)} s (upload ${(uploaded / 1000).toFixed(2)} s), ` +
        `${Math.round(rows / (total / 1000))} rows/s; orchestrator CPU ${cpu.toFixed(1)} s; load average ${loadAverage()}; ` +
        `counts ${JSON.stringify(body.counts)}; contacts ${n?.n}; ` +
        `orchestrator RSS idle ${idleRss.toFixed(0)} MB, peak during upload ${uploadPeak.toFixed(0)} MB, ` +
        `peak ${Math.max(hwm, sampledPeak).toFixed(0)} MB` +
        (body.error ? `; error: ${body.error}` : ""),
    );
    totals.push(total / 1000);
    peaks.push(Math.max(hwm, sampledPeak));
  } finally {
    await stack.close();
  }
}
console.log(
  `median of ${runs}: ${median(totals).toFixed(2)} s end to end, ${Math.round(rows / median(totals))} rows/s, ` +
    `peak RSS ${median(peaks).toFixed(0)} MB`,
);
