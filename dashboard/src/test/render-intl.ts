import { NextIntlClientProvider } from "next-intl";
import { type ComponentProps, createElement, type ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";

/**
 * What `element` shows, as HTML: server-rendered inside next-intl's provider with `messages` (a catalogue file's
 * contents) in `locale`. For unit tests of a component's wording in each language.
 */
export function renderIntl(locale: string, messages: object, element: ReactElement): string {
  return renderToStaticMarkup(
    createElement(
      NextIntlClientProvider,
      { locale, messages } as ComponentProps<typeof NextIntlClientProvider>,
      element,
    ),
  );
}
