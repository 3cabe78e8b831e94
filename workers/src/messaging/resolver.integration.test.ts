import { createTestDatabase, type TestDatabase } from "@mirage/testing/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResolvedNumber, SessionsPort } from "../sessions/index.ts";
import { createNumberResolver } from "./resolver.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

/**
 * A stand-in for the sessions port (named as such: these tests are about storing answers, not about asking
 * WhatsApp, which the messaging end-to-end tests do against wa-sim). Answers from `answers`, counting questions.
 */
function answeringPort(answers: Record<string, ResolvedNumber>) {
  const asked: string[] = [];
  const port = {
    resolveNumber: async (_instanceId: string, candidates: string[]) => {
      const phone = candidates[0] ?? "";
      asked.push(phone);
      return answers[phone] ?? { onWhatsApp: false };
    },
  } as unknown as SessionsPort;
  return { port, asked };
}

const stored = (phone: string) =>
  t.admin<{ on_whatsapp: boolean; wa_jid: string | null; wa_lid: string | null }[]>`
    select on_whatsapp, wa_jid, wa_lid from public.wa_id_lookups where phone_e164 = ${phone}`;

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000) {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("the number resolver stores answers without a transaction of its own on the send path", () => {
  it("a new answer waits to be carried by the caller's transaction; a rolled-back one is put back", async () => {
    const phone = "+5511970000001";
    const { port, asked } = answeringPort({
      [phone]: { onWhatsApp: true, jid: "5511970000001@s.whatsapp.net", e164: "+5511970000001", lid: "900000001@lid" },
    });
    const resolver = createNumberResolver({ db: t.db, sessions: port, maxAgeMs: 60_000, saveDelayMs: 60_000 });
    expect(await resolver.resolve("i1", phone)).toEqual({
      onWhatsApp: true,
      jid: "5511970000001@s.whatsapp.net",
      lid: "900000001@lid",
    });
    expect(await stored(phone)).toEqual([]);

    // Rolled back: nothing stored, and the answer waits again.
    const first = resolver.take();
    expect(first).toBeDefined();
    await t.db
      .asService(async (tx) => {
        await first?.apply(tx);
        throw new Error("rolled back");
      })
      .catch(() => undefined);
    first?.settle(false);
    expect(await stored(phone)).toEqual([]);

    const second = resolver.take();
    await t.db.asService(async (tx) => second?.apply(tx));
    second?.settle(true);
    expect(await stored(phone)).toEqual([
      { on_whatsapp: true, wa_jid: "5511970000001@s.whatsapp.net", wa_lid: "900000001@lid" },
    ]);
    expect(resolver.take()).toBeUndefined();

    // Another worker's resolver finds it stored and does not ask WhatsApp.
    const other = answeringPort({});
    const elsewhere = createNumberResolver({ db: t.db, sessions: other.port, maxAgeMs: 60_000 });
    expect((await elsewhere.resolve("i2", phone)).onWhatsApp).toBe(true);
    expect(other.asked).toEqual([]);
    expect(asked).toEqual([phone]);
  });

  it("answers nobody carries are stored together after the delay; flush stores what still waits", async () => {
    const a = "+5511970000002";
    const b = "+5511970000003";
    const { port } = answeringPort({
      [a]: { onWhatsApp: true, jid: "5511970000002@s.whatsapp.net", e164: "+5511970000002", lid: null },
    });
    const resolver = createNumberResolver({ db: t.db, sessions: port, maxAgeMs: 60_000, saveDelayMs: 50 });
    await resolver.resolve("i1", a);
    await resolver.resolve("i1", b);
    await until("both answers stored", async () => (await stored(a)).length + (await stored(b)).length === 2);
    expect(await stored(b)).toEqual([{ on_whatsapp: false, wa_jid: null, wa_lid: null }]);

    const c = "+5511970000004";
    const slow = createNumberResolver({ db: t.db, sessions: port, maxAgeMs: 60_000, saveDelayMs: 60_000 });
    await slow.resolve("i1", c);
    await slow.flush();
    expect(await stored(c)).toEqual([{ on_whatsapp: false, wa_jid: null, wa_lid: null }]);
  });

  it("a refreshed answer without a LID keeps the LID already stored", async () => {
    const phone = "+5511970000005";
    const answers: Record<string, ResolvedNumber> = {
      [phone]: { onWhatsApp: true, jid: "5511970000005@s.whatsapp.net", e164: "+5511970000005", lid: "900000005@lid" },
    };
    const { port } = answeringPort(answers);
    const resolver = createNumberResolver({ db: t.db, sessions: port, maxAgeMs: 60_000, saveDelayMs: 60_000 });
    await resolver.resolve("i1", phone);
    answers[phone] = { onWhatsApp: true, jid: "5511970000005@s.whatsapp.net", e164: "+5511970000005", lid: null };
    await resolver.refresh("i1", phone);
    await resolver.flush();
    expect(await stored(phone)).toEqual([
      { on_whatsapp: true, wa_jid: "5511970000005@s.whatsapp.net", wa_lid: "900000005@lid" },
    ]);
  });

  it("an answer the caller read with its claim is used as stored: fresh spares the question, none or stale asks", async () => {
    const phone = "+5511970000006";
    const { port, asked } = answeringPort({
      [phone]: { onWhatsApp: true, jid: "5511970000006@s.whatsapp.net", e164: phone, lid: null },
    });
    const resolver = () => createNumberResolver({ db: t.db, sessions: port, maxAgeMs: 60_000, saveDelayMs: 60_000 });
    const fresh = { onWhatsApp: false, jid: null, lid: null, checkedAt: new Date().toISOString() };
    expect(await resolver().resolve("i1", phone, fresh)).toEqual({ onWhatsApp: false });
    expect(asked).toEqual([]);
    const stale = { ...fresh, checkedAt: new Date(Date.now() - 120_000).toISOString() };
    expect((await resolver().resolve("i1", phone, stale)).onWhatsApp).toBe(true);
    expect((await resolver().resolve("i1", phone, null)).onWhatsApp).toBe(true);
    expect(asked).toEqual([phone, phone]);
  });
});
