import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTranslator } from "next-intl";
import { type ComponentProps, createElement } from "react";
import { describe, expect, it } from "vitest";
import { type SessionInfo, SessionProvider } from "@/features/shell/session-context";
import en from "../../../messages/en/core.json";
import ptBR from "../../../messages/pt-BR/core.json";
import { renderIntl } from "../../test/render-intl";
import { RotateSecret } from "./webhook-rotate";

const session = {
  me: {},
  org: { id: "00000000-0000-4000-8000-000000000001", name: "Acme", slug: "acme", role: "admin" },
  realtimeUrl: "",
  simulator: false,
} as unknown as SessionInfo;

// The closed confirmation renders its trigger only (the dialogs open in portals, in the browser e2e).
const render = (messages: object) =>
  renderIntl(
    "en",
    messages,
    createElement(
      QueryClientProvider,
      { client: new QueryClient() },
      createElement(
        SessionProvider,
        { value: session } as ComponentProps<typeof SessionProvider>,
        createElement(RotateSecret, { endpoint: { id: "e1", url: "https://example.com/hook" } }),
      ),
    ),
  );

describe("webhook endpoints: rotating the signing secret", () => {
  it("offers the action in both languages", () => {
    expect(render(en)).toContain("Rotate secret");
    expect(render(ptBR)).toContain("Trocar segredo");
    expect(render(en)).toContain('data-testid="rotate-secret"');
  });

  it("the question says the old secret stops working at once (the API keeps no grace period)", () => {
    const body = (messages: typeof en, locale: string) =>
      createTranslator({ locale, messages, namespace: "webhooks" })("rotateBody", { url: "https://example.com/hook" });
    expect(body(en, "en")).toMatch(/stops working at once.*https:\/\/example\.com\/hook/);
    expect(body(ptBR, "pt-BR")).toMatch(/deixa de valer imediatamente.*https:\/\/example\.com\/hook/);
  });
});
