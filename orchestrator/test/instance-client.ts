import { type E2eStack, pairByQr, waiter } from "@mirage/testing/e2e-stack";
import type { OrgFixture } from "@mirage/testing/fixtures";
import { expect } from "vitest";
import { api, type Json } from "./harness.ts";

/**
 * The instance API of one organization as its member with `token()` sees it, for e2e tests: read one, wait for a
 * status (`waitMs` by default), create one, and pair a new one by QR with a fresh virtual phone
 * (`<phonePrefix><5 digits>`, digits only). `token` is read on each call, so it may be set after this is made.
 */
export function instanceClient(opts: {
  stack: () => Pick<E2eStack, "url" | "sim">;
  org: () => OrgFixture;
  token: () => string;
  waitMs: number;
  phonePrefix: string;
  pairTimeoutMs?: number;
}) {
  const waitFor = waiter(opts.waitMs);
  let phoneSeq = 0;
  const base = () => `/api/v1/orgs/${opts.org().orgId}/instances`;
  const get = async (id: string, tok = opts.token()): Promise<Json> =>
    (await api({ url: opts.stack().url }, "get", `${base()}/${id}`, { token: tok })).body;
  const waitStatus = (id: string, status: string, timeoutMs = opts.waitMs) =>
    waitFor(async () => ((await get(id)).status === status ? true : undefined), timeoutMs, `instance ${id} ${status}`);
  async function createInstance(name: string, body: Record<string, unknown> = {}): Promise<string> {
    const res = await api({ url: opts.stack().url }, "post", base(), { token: opts.token(), body: { name, ...body } });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }
  /** Through the API only: create, fetch the QR the worker produced, let the virtual phone scan it, wait connected. */
  async function pairNew(name: string): Promise<{ id: string; phone: string }> {
    phoneSeq++;
    const phone = `${opts.phonePrefix}${String(phoneSeq).padStart(5, "0")}`;
    const id = await createInstance(name);
    await pairByQr(opts.stack(), {
      org: opts.org(),
      token: opts.token(),
      phone,
      id,
      ...(opts.pairTimeoutMs ? { timeoutMs: opts.pairTimeoutMs } : {}),
    });
    return { id, phone };
  }
  return { get, waitStatus, createInstance, pairByQr: pairNew, waitFor };
}
