/**
 * The phone-free demo's people who answer: a few of the seed's virtual contacts (supabase/seed.sql, +55 11 90000-0001
 * … -0020) get scripted replies in wa-sim, so the demo campaign shows replies arriving in the inbox, stop-on-reply,
 * a voice note (shown as one: Mirage records media without downloading them), and an opt-out ("SAIR") that
 * blacklists its sender. Each answers once, a couple of seconds after the message.
 */
export const DEMO_REPLIES: { phone: string; text: string; media?: "voice" }[] = [
  { phone: "5511900000003", text: "Oi! Tenho interesse, pode me mandar mais detalhes?" },
  { phone: "5511900000008", text: "Obrigado pela mensagem! Qual o preço?" },
  { phone: "5511900000011", text: "", media: "voice" },
  { phone: "5511900000014", text: "Recebi, valeu 👍" },
  { phone: "5511900000017", text: "SAIR" },
];

/**
 * Sets the demo replies through wa-sim's control API at `controlUrl`. Answers the phones configured; throws when
 * the simulator refuses (the stack logs it and goes on: the demo works without replies).
 */
export async function configureDemoContacts(controlUrl: string): Promise<string[]> {
  for (const r of DEMO_REPLIES) {
    const res = await fetch(`${controlUrl}/contacts/${r.phone}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        replies: [
          { text: r.text, ...(r.media ? { media: r.media } : {}), delayMs: 2_000, typingMs: 1_500, once: true },
        ],
      }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`wa-sim refused the demo contact ${r.phone}: HTTP ${res.status} ${await res.text()}`);
  }
  return DEMO_REPLIES.map((r) => r.phone);
}

/** Sets the demo replies and says so in the stack's log; a simulator that refuses is one line, never a failed start. */
export async function announceDemoContacts(controlUrl: string, out: (line: string) => void): Promise<void> {
  try {
    const phones = await configureDemoContacts(controlUrl);
    out(`demo contacts ${phones.join(", ")} answer the demo campaign (scripts/stack/demo-contacts.ts)`);
  } catch (err) {
    out(`!! the demo contacts' replies were not set: ${err instanceof Error ? err.message : String(err)}`);
  }
}
