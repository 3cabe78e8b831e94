/**
 * The terminal commands' client of the public API (`./mirage pair`, `./mirage campaign`): the running stack's
 * addresses, a login, one-line errors instead of stack traces.
 *
 * Addresses: the running stack's (its stack.json, see stack/state.ts), unless given: `url` (--url) or MIRAGE_API_URL
 * set by the caller (not .env's, the dashboard's) for the API, WA_SIM_CONTROL_URL for the simulator. Without a running stack, ORCHESTRATOR_PORT and
 * WA_SIM_CONTROL_PORT.
 *
 * Credentials: MIRAGE_API_KEY, or MIRAGE_EMAIL + MIRAGE_PASSWORD (defaults to the demo owner).
 */
import path from "node:path";
import { readInfo, runDir, runningStack } from "./stack/state.ts";

export type Json = Record<string, unknown>;

// `./mirage campaign list | head`: the reader has gone, so stop quietly instead of an unhandled EPIPE trace.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});
export type Answer = { status: number; json: Json };

/** Prints `message` on stderr and exits 1 (what every failure of a terminal command does). */
export function die(message: string): never {
  console.error(message);
  process.exit(1);
}

/** Exits with the API's refusal in one line: `what: HTTP 422 code detail`. */
export function fail(what: string, r: Answer): never {
  die(`${what}: HTTP ${r.status} ${String(r.json.code ?? "")} ${String(r.json.detail ?? "")}`.trim());
}

async function readJson(res: Response): Promise<Json> {
  const text = await res.text();
  try {
    return text ? (JSON.parse(text) as Json) : {};
  } catch {
    return { detail: text.slice(0, 200) };
  }
}

/**
 * The client. `call` answers every HTTP status (the caller decides what is a failure); a server that does not answer
 * at all ends the process with a hint on where the address came from.
 */
export function createApiClient(opts: { url?: string | undefined } = {}) {
  const dir = runDir(path.resolve(import.meta.dirname, ".."));
  const stack = runningStack(dir) ? readInfo(dir) : undefined;
  // MIRAGE_API_URL as the caller set it. The one of .env (loaded by ./mirage, see load_env) is where the dashboard's
  // server reaches the API: copied from .env.example, it kept saying 3001 after ORCHESTRATOR_PORT moved the API, and
  // won over the running stack's own address.
  const fromEnvFile = (process.env.MIRAGE_ENV_FILE_KEYS ?? "").split(" ").includes("MIRAGE_API_URL");
  const callerUrl = fromEnvFile ? "" : process.env.MIRAGE_API_URL;
  const api =
    // An empty variable (`MIRAGE_API_URL=` in an env file) counts as unset.
    (opts.url || callerUrl || stack?.api || `http://127.0.0.1:${process.env.ORCHESTRATOR_PORT || "3001"}`)
      .replace(/\/$/, "")
      .replace(/(\/api\/v1)?$/, "/api/v1");
  const simControl = (
    process.env.WA_SIM_CONTROL_URL ||
    stack?.waSim?.controlUrl ||
    `http://${process.env.WA_SIM_HOST || "127.0.0.1"}:${process.env.WA_SIM_CONTROL_PORT || "7281"}`
  ).replace(/\/$/, "");
  const apiHint =
    opts.url || callerUrl
      ? "is the Mirage API running at that address (--url / MIRAGE_API_URL)?"
      : stack
        ? `the stack (pid ${stack.pid}) announced it there; see ${stack.log}`
        : "is the stack running? start it with ./mirage start (or pass --url / MIRAGE_API_URL)";
  const simHint = process.env.WA_SIM_CONTROL_URL
    ? "WA_SIM_CONTROL_URL points there; is that simulator running?"
    : stack?.mode === "real"
      ? "the running stack uses real WhatsApp; this needs ./mirage start --simulator"
      : stack
        ? `the stack (pid ${stack.pid}) announced it there; see ${stack.log}`
        : "this needs the phone-free demo running (./mirage start --simulator), or WA_SIM_CONTROL_URL set to a simulator elsewhere";
  let auth = "";

  /** fetch, with a one-line explanation instead of a `fetch failed` trace when nothing answers. */
  async function request(what: string, hint: string, url: string, init?: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
      die(`cannot reach ${what} at ${url} (${reason}): ${hint}`);
    }
  }

  async function call(method: string, route: string, body?: unknown): Promise<Answer> {
    const res = await request("the Mirage API", apiHint, `${api}${route}`, {
      method,
      headers: { authorization: auth, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, json: await readJson(res) };
  }

  return {
    api,
    simControl,
    call,
    /** Logs in (an API key needs no login); exits when refused. */
    async login(): Promise<void> {
      if (process.env.MIRAGE_API_KEY) {
        auth = `Bearer ${process.env.MIRAGE_API_KEY}`;
        return;
      }
      const res = await request("the Mirage API", apiHint, `${api}/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          email: process.env.MIRAGE_EMAIL || "owner@demo.mirage.local",
          password: process.env.MIRAGE_PASSWORD || "mirage-demo",
        }),
      });
      const json = await readJson(res);
      if (!res.ok) fail("login failed", { status: res.status, json });
      auth = `Bearer ${String(json.accessToken)}`;
    },
    /** The organization id for `wanted` (slug or id), or the account's first; exits when there is none. */
    async resolveOrg(wanted?: string): Promise<string> {
      const me = await call("GET", "/auth/me");
      if (me.status !== 200) fail("could not read the account", me);
      const orgs = (me.json.organizations as { id: string; slug: string }[] | undefined) ?? [];
      const org = wanted ? orgs.find((o) => o.id === wanted || o.slug === wanted) : orgs[0];
      if (!org)
        die(wanted ? `no organization "${wanted}" for this account` : "this account belongs to no organization");
      return org.id;
    },
    /** Exits unless wa-sim's control API answers its health check (before anything is created). */
    async simulatorReachable(): Promise<void> {
      const health = await request("the WhatsApp simulator's control API", simHint, `${simControl}/health`);
      if (!health.ok) die(`the WhatsApp simulator at ${simControl} answered HTTP ${health.status}: ${simHint}`);
    },
    /** wa-sim's control API (a virtual phone acting like the person holding it); exits when it refuses. */
    async simulator(method: "GET" | "POST", route: string, body?: unknown): Promise<unknown> {
      const res = await request("the WhatsApp simulator's control API", simHint, `${simControl}${route}`, {
        method,
        ...(body !== undefined ? { headers: { "content-type": "application/json" }, body: JSON.stringify(body) } : {}),
      });
      if (!res.ok) die(`the simulator refused: HTTP ${res.status} ${await res.text()}`);
      return readJson(res);
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
