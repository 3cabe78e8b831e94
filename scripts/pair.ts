/**
 * Pairs an instance from a terminal, through the public API (like any other client):
 *
 *   ./mirage pair <instance-name> [--org <slug|id>] [--code +5511999990000] [--url http://127.0.0.1:3001]
 *                                 [--sim-phone 5511999990000]
 *
 * --sim-phone: in the phone-free demo (./mirage start --simulator), that virtual phone of wa-sim scans the QR (or
 * types the pairing code) for you, through wa-sim's control API.
 *
 * Addresses: the running stack's (its stack.json, see stack/state.ts), unless given: --url or MIRAGE_API_URL for the
 * API, WA_SIM_CONTROL_URL for the simulator. Without a running stack, ORCHESTRATOR_PORT and WA_SIM_CONTROL_PORT.
 *
 * Credentials: MIRAGE_API_KEY (an API key with the `instances` scope), or MIRAGE_EMAIL + MIRAGE_PASSWORD
 * (defaults to the demo owner). Creates the instance when it does not exist, prints each QR code in the terminal
 * (or the pairing code with --code), and returns once WhatsApp reports it connected.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import QRCode from "qrcode";
import { readInfo, runDir, runningStack } from "./stack/state.ts";

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: {
    org: { type: "string" },
    code: { type: "string" },
    url: { type: "string" },
    raw: { type: "boolean", default: false },
    "sim-phone": { type: "string" },
    timeout: { type: "string", default: "300" },
  },
});
const name = positionals[0];
if (!name) {
  console.error(
    "usage: ./mirage pair <instance-name> [--org <slug|id>] [--code +5511999990000] [--url <api>] [--sim-phone <digits>]",
  );
  process.exit(2);
}
const dir = runDir(path.resolve(import.meta.dirname, ".."));
const stack = runningStack(dir) ? readInfo(dir) : undefined;
const api = (
  values.url ??
  process.env.MIRAGE_API_URL ??
  stack?.api ??
  `http://127.0.0.1:${process.env.ORCHESTRATOR_PORT || "3001"}`
)
  .replace(/\/$/, "")
  .replace(/(\/api\/v1)?$/, "/api/v1");
const simControl = (
  process.env.WA_SIM_CONTROL_URL ||
  stack?.waSim?.controlUrl ||
  `http://${process.env.WA_SIM_HOST || "127.0.0.1"}:${process.env.WA_SIM_CONTROL_PORT || "7281"}`
).replace(/\/$/, "");

type Json = Record<string, unknown>;
let auth: string;

const API_HINT =
  values.url || process.env.MIRAGE_API_URL
    ? "is the Mirage API running at that address (--url / MIRAGE_API_URL)?"
    : stack
      ? `the stack (pid ${stack.pid}) announced it there; see ${stack.log}`
      : "is the stack running? start it with ./mirage start (or pass --url / MIRAGE_API_URL)";
const SIM_HINT = process.env.WA_SIM_CONTROL_URL
  ? "WA_SIM_CONTROL_URL points there; is that simulator running?"
  : stack?.mode === "real"
    ? "the running stack uses real WhatsApp; --sim-phone needs ./mirage start --simulator"
    : stack
      ? `the stack (pid ${stack.pid}) announced it there; see ${stack.log}`
      : "--sim-phone needs the phone-free demo running (./mirage start --simulator), or WA_SIM_CONTROL_URL set to a simulator elsewhere";

/** fetch, with a one-line explanation instead of a `fetch failed` trace when nothing answers. */
async function request(what: string, hint: string, url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
    console.error(`cannot reach ${what} at ${url} (${reason}): ${hint}`);
    process.exit(1);
  }
}

async function readJson(res: Response): Promise<Json> {
  const text = await res.text();
  try {
    return text ? (JSON.parse(text) as Json) : {};
  } catch {
    return { detail: text.slice(0, 200) };
  }
}

async function call(method: string, route: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const res = await request("the Mirage API", API_HINT, `${api}${route}`, {
    method,
    headers: { authorization: auth, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, json: await readJson(res) };
}

function fail(what: string, r: { status: number; json: Json }): never {
  console.error(`${what}: HTTP ${r.status} ${String(r.json.code ?? "")} ${String(r.json.detail ?? "")}`.trim());
  process.exit(1);
}

async function login(): Promise<void> {
  if (process.env.MIRAGE_API_KEY) {
    auth = `Bearer ${process.env.MIRAGE_API_KEY}`;
    return;
  }
  const res = await request("the Mirage API", API_HINT, `${api}/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      email: process.env.MIRAGE_EMAIL ?? "owner@demo.mirage.local",
      password: process.env.MIRAGE_PASSWORD ?? "mirage-demo",
    }),
  });
  const json = await readJson(res);
  if (!res.ok) fail("login failed", { status: res.status, json });
  auth = `Bearer ${String(json.accessToken)}`;
}

async function resolveOrg(): Promise<string> {
  const me = await call("GET", "/auth/me");
  if (me.status !== 200) fail("could not read the account", me);
  const orgs = (me.json.organizations as { id: string; slug: string }[] | undefined) ?? [];
  const wanted = values.org;
  const org = wanted ? orgs.find((o) => o.id === wanted || o.slug === wanted) : orgs[0];
  if (!org) {
    console.error(wanted ? `no organization "${wanted}" for this account` : "this account belongs to no organization");
    process.exit(1);
  }
  return org.id;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** wa-sim's control API: the virtual phone acts like a person holding it. */
async function simulator(route: string, body: unknown): Promise<void> {
  const res = await request("the WhatsApp simulator's control API", SIM_HINT, `${simControl}${route}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) {
    console.error(`the simulator refused: HTTP ${res.status} ${await res.text()}`);
    process.exit(1);
  }
}

// Before anything is created: a simulator that does not answer now would leave a half-done pairing behind.
if (values["sim-phone"]) {
  const health = await request("the WhatsApp simulator's control API", SIM_HINT, `${simControl}/health`);
  if (!health.ok) {
    console.error(`the WhatsApp simulator at ${simControl} answered HTTP ${health.status}: ${SIM_HINT}`);
    process.exit(1);
  }
}

await login();
const orgId = await resolveOrg();
const list = await call("GET", `/orgs/${orgId}/instances`);
if (list.status !== 200) fail("could not list instances", list);
let instance = (list.json.items as Json[]).find((i) => i.name === name);
if (!instance) {
  const created = await call("POST", `/orgs/${orgId}/instances`, {
    name,
    ...(values.code ? { phone: values.code } : {}),
  });
  if (created.status !== 201) fail("could not create the instance", created);
  instance = created.json;
  console.log(`created instance ${name} (${String(instance.id)})`);
}
const id = String(instance.id);
if (instance.status === "connected") {
  console.log(`${name} is already connected as ${String(instance.phone ?? instance.waJid)}`);
  process.exit(0);
}
if (["logged_out", "pairing_expired", "stopped", "failed"].includes(String(instance.status))) {
  await call("POST", `/orgs/${orgId}/instances/${id}/start`);
}

if (values.code) {
  const r = await call("POST", `/orgs/${orgId}/instances/${id}/pairing-code`, { phone: values.code });
  if (r.status !== 200) fail("could not get a pairing code", r);
  console.log(`On the phone: WhatsApp → Linked devices → Link a device → Link with phone number instead`);
  console.log(`PAIRING CODE ${String(r.json.code)}`);
  if (values["sim-phone"]) await simulator(`/accounts/${values["sim-phone"]}/pairing-code`, { code: r.json.code });
}

const deadline = Date.now() + Number(values.timeout) * 1000;
let shownAttempt = 0;
while (Date.now() < deadline) {
  const current = await call("GET", `/orgs/${orgId}/instances/${id}`);
  const status = String(current.json.status);
  if (status === "connected") {
    console.log(`CONNECTED ${name} as ${String(current.json.phone ?? current.json.waJid)}`);
    process.exit(0);
  }
  if (["pairing_expired", "logged_out", "banned", "failed"].includes(status)) {
    console.error(`pairing ended: ${status} (${String(current.json.statusReason ?? "")})`);
    process.exit(1);
  }
  if (!values.code) {
    const qr = await call("GET", `/orgs/${orgId}/instances/${id}/qr`);
    if (qr.status === 200 && Number(qr.json.attempt) !== shownAttempt) {
      shownAttempt = Number(qr.json.attempt);
      const text = String(qr.json.qr);
      console.log(await QRCode.toString(text, { type: "terminal", small: true }));
      console.log(
        `Scan with WhatsApp → Linked devices (code ${shownAttempt}, valid until ${String(qr.json.expiresAt)})`,
      );
      if (values.raw) console.log(`QR ${text}`);
      if (values["sim-phone"]) {
        await simulator(`/accounts/${values["sim-phone"]}/scan`, { qr: text });
        console.log(`virtual phone +${values["sim-phone"]} scanned it`);
      }
    }
  }
  await sleep(700);
}
console.error("timed out waiting for the phone");
process.exit(1);
