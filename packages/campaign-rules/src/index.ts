/**
 * The campaign engine's pure rules, shared by the orchestrator (start checks, dry run) and the workers (send time):
 * send windows, quiet hours and holidays in the recipient's zones, pacing draws, typing time, caps and warm-up.
 */
export {
  capReachedUntil,
  drawBetween,
  drawBreakAfter,
  effectiveCaps,
  nextGap,
  type Random,
  type SentWindow,
  typingTime,
  WARMUP_DAILY,
} from "./pacing.ts";
export {
  checkSendTime,
  inSendWindow,
  isValidZone,
  nextSendTime,
  type SendRules,
  type Verdict,
  windowEverOpens,
} from "./windows.ts";
export {
  longZoneStems,
  type NationalHoliday,
  nationalHolidays,
  recipientZones,
  ZONE_PREFIX_CHARS,
  ZONE_PREFIX_LONG_CHARS,
  zoneKey,
} from "./zones.ts";
