import { nationalHolidays } from "@mirage/campaign-rules";
import { ZOrgIdParams } from "@mirage/contracts/common";
import {
  type THoliday,
  ZCreateHolidayRequest,
  ZHoliday,
  ZHolidayList,
  ZHolidayListQuery,
  ZHolidayParams,
  ZSeedHolidaysRequest,
  ZSeedHolidaysResult,
} from "@mirage/contracts/holidays";
import type { Database } from "@mirage/db";
import { organizationCountry, seedHolidays } from "@mirage/db/campaigns";
import { deleteHoliday, type HolidayRow, insertHoliday, listHolidays } from "@mirage/db/holidays";
import { audit } from "../audit/record.ts";
import { ALL_ROLES, MARKETING_ROLES, withOrg } from "../auth/principal.ts";
import { AppError } from "../http/app-error.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";
import { READ, WRITE } from "./campaigns.routes.ts";

const toDto = (h: HolidayRow): THoliday => ({
  id: h.id,
  day: h.day,
  name: h.name,
  countryCode: h.countryCode,
  createdAt: h.createdAt.toISOString(),
});

/** The country whose national holidays seed an organization's calendar: its own, Brazil when it has none. */
export const DEFAULT_HOLIDAY_COUNTRY = "BR";

/** The organization's holiday calendar: list, add and remove days, seed with national public holidays. */
export function holidayRoutes(deps: { db: Database }): RouteDef[] {
  const { db } = deps;
  return [
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/holidays",
      summary: "The organization's holidays, by day",
      description:
        "Days on which campaigns that skip holidays send nothing to recipients of that country (a day without a " +
        "country applies to every country). Default range: this calendar year.",
      tags: ["campaigns"],
      auth: READ,
      roles: ALL_ROLES,
      params: ZOrgIdParams,
      query: ZHolidayListQuery,
      responses: { 200: { description: "Holidays", schema: ZHolidayList, example: ZHolidayList.meta()?.example } },
      async handler({ params, query, principal }) {
        const year = new Date().getUTCFullYear();
        const from = query.from ?? `${year}-01-01`;
        const to = query.to ?? `${year}-12-31`;
        if (to < from) {
          throw new AppError("validation_failed", "invalid query", {
            errors: [{ path: "query.to", message: "must not be before from" }],
          });
        }
        const rows = await withOrg(db, principal, params.orgId, ALL_ROLES, (tx) =>
          listHolidays(tx, { orgId: params.orgId, from, to, country: query.country }),
        );
        return { status: 200, body: { items: rows.map(toDto) } };
      },
    }),
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/holidays",
      errors: ["conflict"],
      summary: "Add a day to the holiday calendar",
      description: "409 `conflict` when the calendar already has that day for that country (or for every country).",
      tags: ["campaigns"],
      auth: WRITE,
      roles: MARKETING_ROLES,
      params: ZOrgIdParams,
      body: ZCreateHolidayRequest,
      responses: { 201: { description: "The day", schema: ZHoliday } },
      async handler({ params, body, principal }, req) {
        const row = await withOrg(db, principal, params.orgId, MARKETING_ROLES, async (tx) => {
          const added = await insertHoliday(tx, {
            orgId: params.orgId,
            day: body.day,
            name: body.name,
            countryCode: body.countryCode ?? null,
          });
          if (!added) throw new AppError("conflict", `the calendar already has ${body.day}`);
          await audit(tx, req, {
            orgId: params.orgId,
            action: "holiday.add",
            targetType: "holiday",
            targetId: added.id,
            detail: { day: added.day, countryCode: added.countryCode },
          });
          return added;
        });
        return { status: 201, body: toDto(row) };
      },
    }),
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/holidays/seed",
      summary: "Seed the calendar with national public holidays",
      description:
        "Adds the public holidays of a country (date-holidays) for the given years — by default the organization's " +
        "country (Brazil when it has none), this year and the next. Idempotent: days already in the calendar stay " +
        "as they are, and a day a user removed is added again only by seeding again. Campaigns that skip holidays " +
        "also seed their organization's calendar when they start.",
      tags: ["campaigns"],
      auth: WRITE,
      roles: MARKETING_ROLES,
      params: ZOrgIdParams,
      body: ZSeedHolidaysRequest,
      responses: { 200: { description: "What was added", schema: ZSeedHolidaysResult } },
      async handler({ params, body, principal }, req) {
        const year = new Date().getUTCFullYear();
        const years = body.years ?? [year, year + 1];
        const result = await withOrg(db, principal, params.orgId, MARKETING_ROLES, async (tx) => {
          const country = body.country ?? (await organizationCountry(tx, params.orgId)) ?? DEFAULT_HOLIDAY_COUNTRY;
          const days = nationalHolidays(country, years);
          if (days.length === 0) {
            throw new AppError("validation_failed", "invalid body", {
              errors: [{ path: "body.country", message: `no national holidays known for ${country}` }],
            });
          }
          const added = await seedHolidays(tx, params.orgId, days);
          await audit(tx, req, {
            orgId: params.orgId,
            action: "holiday.seed",
            targetType: "holiday",
            detail: { country, years, added },
          });
          return { country, years, added };
        });
        return { status: 200, body: result };
      },
    }),
    defineRoute({
      method: "delete",
      path: "/orgs/:orgId/holidays/:holidayId",
      summary: "Remove a day from the holiday calendar (campaigns send on it again from their next step)",
      tags: ["campaigns"],
      auth: WRITE,
      roles: MARKETING_ROLES,
      params: ZHolidayParams,
      responses: { 204: { description: "Removed" } },
      async handler({ params, principal }, req) {
        await withOrg(db, principal, params.orgId, MARKETING_ROLES, async (tx) => {
          // Audited before the row goes (the entry keeps the holiday's name); rolled back with a 404.
          await audit(tx, req, {
            orgId: params.orgId,
            action: "holiday.remove",
            targetType: "holiday",
            targetId: params.holidayId,
          });
          if (!(await deleteHoliday(tx, params.orgId, params.holidayId)))
            throw new AppError("not_found", "holiday not found");
        });
        return { status: 204 };
      },
    }),
  ];
}
