/**
 * An IANA time zone as people read it, the one way every page shows a zone: "America/Sao_Paulo" → "America/Sao
 * Paulo", "America/Argentina/Buenos_Aires" → "America/Argentina/Buenos Aires". Only for display: the value sent to
 * the API and given to Intl stays the IANA name.
 */
export function zoneLabel(zone: string): string {
  return zone.replaceAll("_", " ");
}

/**
 * The IANA zones to choose from, the one list every zone picker offers (a campaign's schedule, the organization's
 * settings): the runtime's own (`Intl.supportedValuesOf`), with `current` first when the runtime does not list it
 * (an alias such as "America/Buenos_Aires"), so the value in use stays selectable. `supported` is for tests.
 */
export function timeZoneOptions(current: string, supported: () => string[] = supportedZones): string[] {
  let all: string[];
  try {
    all = supported();
  } catch {
    all = ["America/Sao_Paulo", "UTC"];
  }
  // V8 lists no "UTC" (only the geographic zones); it is a zone people choose, so it is always offered.
  const zones = all.includes("UTC") ? all : [...all, "UTC"];
  return !current || zones.includes(current) ? zones : [current, ...zones];
}

function supportedZones(): string[] {
  return Intl.supportedValuesOf("timeZone");
}
