"use client";

import { useQuery } from "@tanstack/react-query";
import { useLocale } from "next-intl";
import { countryOptions } from "./organization-form";

/**
 * The countries the API accepts, named in the user's language. The check (@mirage/phone, libphonenumber's metadata)
 * is loaded on first use, as the pairing dialog does, so no page carries it before it needs the list.
 */
export function useCountries() {
  const locale = useLocale();
  return useQuery({
    queryKey: ["countries", locale],
    queryFn: async () => {
      const { isKnownCountry } = await import("@mirage/phone");
      return countryOptions(locale, isKnownCountry);
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
}
