/**
 * Benchmark: what the per-request session revocation check costs. The same authenticated endpoint
 * (GET /api/v1/orgs/:orgId, one RLS read) with a login's access token (carries session_id: one Redis EXISTS per
 * request) and with a token that carries none (no check), interleaved so both see the same machine load.
 * Also: how fast a request answers 503 when the session store (Redis) is unreachable is covered by
 * orchestrator/test/dependencies.integration.test.ts; this bench measures the healthy path only.
 *
 *   npx tsx bench/orchestrator/session-check.ts [--requests 2000]
 */
import { parseArgs } from "node:util";
import { percentiles, startBenchStack } from "./stack.ts";

const { values } = parseArgs({ options: { requests: { type: "string", default: "2000" } } });
const requests = Math.min(Math.max(Number(values.requests) || 2000, 100), 50_000);

const stack = await startBenchStack();
try {
  const adminId = stack.users.admin ?? "";
  await stack.admin`update auth.users set encrypted_password = extensions.crypt('bench-password-1', extensions.gen_salt('bf', 4))
                    where id = ${adminId}`;
  const login = await fetch(`${stack.url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "admin@bench.test", password: "bench-password-1" }),
  });
  const session = (await login.json()) as { accessToken?: string };
  if (!session.accessToken) throw new Error(`login failed: ${login.status}`);
  const withSession = session.accessToken;
  const withoutSession = await stack.token(adminId);
  const url = `${stack.url}/api/v1/orgs/${stack.orgId}`;
  const once = async (token: string): Promise<number> => {
    const t0 = performance.now();
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`unexpected answer ${res.status}`);
    return performance.now() - t0;
  };
  for (let i = 0; i < 200; i++) await once(i % 2 ? withSession : withoutSession); // warm-up
  const checked: number[] = [];
  const unchecked: number[] = [];
  for (let i = 0; i < requests; i++) {
    if (i % 2) checked.push(await once(withSession));
    else unchecked.push(await once(withoutSession));
  }
  const a = percentiles(checked);
  const b = percentiles(unchecked);
  console.log(
    JSON.stringify({
      bench: "session revocation check",
      endpoint: "GET /api/v1/orgs/:orgId (sequential, interleaved)",
      withSessionCheck: a,
      withoutSessionCheck: b,
      medianRatio: Math.round((a.p50 / b.p50) * 100) / 100,
      medianOverheadMs: Math.round((a.p50 - b.p50) * 100) / 100,
      unit: "ms",
    }),
  );
} finally {
  await stack.close();
}
