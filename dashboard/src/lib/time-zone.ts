/**
 * An IANA time zone as people read it, the one way every page shows a zone: "America/Sao_Paulo" → "America/Sao
 * Paulo", "America/Argentina/Buenos_Aires" → "America/Argentina/Buenos Aires". Only for display: the value sent to
 * the API and given to Intl stays the IANA name.
 */
export function zoneLabel(zone: string): string {
  return zone.replaceAll("_", " ");
}
