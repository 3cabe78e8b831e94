import type { RouteDef } from "../http/route.ts";
import { activityRoutes } from "./activity.routes.ts";
import { contactRoutes } from "./contacts.routes.ts";
import { listRoutes } from "./lists.routes.ts";
import { type PrivacyDeps, privacyRoutes } from "./privacy.routes.ts";

export { contactSelection } from "./contacts.routes.ts";
export { EXPORT_COLUMNS, exportCells, toContactDto } from "./dto.ts";
export { phoneFromRequest } from "./phone-input.ts";

/** Contacts, lists, consent and the data-subject rights. */
export function contactsFeatureRoutes(deps: PrivacyDeps): RouteDef[] {
  return [...contactRoutes(deps), ...listRoutes(deps), ...privacyRoutes(deps), ...activityRoutes(deps)];
}
