import { Simulator, startControlServer } from "@mirage/wa-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configureDemoContacts, DEMO_REPLIES } from "../stack/demo-contacts.ts";

let sim: Simulator;
let control: Awaited<ReturnType<typeof startControlServer>>;
beforeAll(async () => {
  sim = await Simulator.start({ seed: "demo-contacts-test" });
  control = await startControlServer(sim, { port: 0 });
});
afterAll(async () => {
  await control?.close();
  await sim?.close();
});

describe("the phone-free demo's answering contacts", () => {
  it("are seed contacts given one scripted reply each, one of them an opt-out word and one a voice note", async () => {
    expect(await configureDemoContacts(control.url)).toEqual(DEMO_REPLIES.map((r) => r.phone));
    for (const r of DEMO_REPLIES) {
      expect(r.phone).toMatch(/^55119000000(0[1-9]|1\d|20)$/);
      const res = await fetch(`${control.url}/contacts/${r.phone}`);
      const contact = (await res.json()) as { replies: { text: string; media?: string; once?: boolean }[] };
      expect(contact.replies).toEqual([
        expect.objectContaining({ text: r.text, once: true, ...(r.media ? { media: r.media } : {}) }),
      ]);
    }
    expect(DEMO_REPLIES.some((r) => r.text === "SAIR")).toBe(true);
    expect(DEMO_REPLIES.some((r) => r.media === "voice")).toBe(true);
    // Idempotent: a restart of the stack sets the same again.
    await configureDemoContacts(control.url);
  });
});
