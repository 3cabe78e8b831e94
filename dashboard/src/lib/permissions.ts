import type { TOrgRole } from "@mirage/contracts/enums";

/**
 * What each role may do, mirroring the API's role checks (README "Who may do what"), so the dashboard never shows
 * a button whose call would be refused. The API still decides: this only hides what would fail.
 */
const RULES = {
  "instances.write": ["owner", "admin", "operator"],
  // contacts, lists, segments, blacklist, templates, campaigns, sender pools, holidays, opt-out words
  "audience.write": ["owner", "admin", "marketer"],
  // replies, notes, tags, assignment and status in the inbox (marketers answer the replies to their campaigns)
  "conversations.write": ["owner", "admin", "operator", "marketer"],
  // members, API keys, webhooks, the audit log; the organization's name, time zone and default country
  "org.manage": ["owner", "admin"],
  "org.own": ["owner"],
} as const satisfies Record<string, readonly TOrgRole[]>;

export type Permission = keyof typeof RULES;

export function can(role: TOrgRole | undefined, permission: Permission): boolean {
  return role !== undefined && (RULES[permission] as readonly TOrgRole[]).includes(role);
}
