import { z } from "zod";
import { CREATED_AT, UPDATED_AT, ZTimestamp, ZUuid } from "./common.ts";
import { ZContactFilter } from "./contacts.ts";

/** Contact lists: a list, its members, and adding the contacts a filter matches. */

export const ZListParams = z.strictObject({ orgId: ZUuid, listId: ZUuid });

export const ZContactList = z
  .object({
    id: ZUuid.describe("The list's id."),
    name: z.string().describe("The list's name, unique in the organization."),
    description: z.string().nullable().describe("What the list is for; null: none."),
    memberCount: z.number().int().describe("How many contacts are on the list."),
    createdAt: ZTimestamp.describe(CREATED_AT),
    updatedAt: ZTimestamp.describe(UPDATED_AT),
  })
  .meta({
    id: "ContactList",
    example: {
      id: "1d2c3b4a-5e6f-4a1b-8c9d-0e1f2a3b4c5d",
      name: "Leads Nov",
      description: null,
      memberCount: 120,
      createdAt: "2026-11-24T10:00:00.000Z",
      updatedAt: "2026-11-24T10:00:00.000Z",
    },
  });
export type TContactList = z.infer<typeof ZContactList>;

export const ZCreateListRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(200).describe("The list's name, unique in the organization (1–200 characters)."),
    description: z
      .string()
      .max(2000)
      .nullable()
      .optional()
      .describe("What the list is for (up to 2,000 characters); null: none."),
  })
  .meta({ id: "CreateListRequest", example: { name: "Leads Nov" } });
export const ZUpdateListRequest = ZCreateListRequest.partial();

export const ZListMembersRequest = z
  .strictObject({
    contactIds: z
      .array(ZUuid)
      .min(1)
      .max(5000)
      .describe(
        "1–5,000 contact ids (duplicates count once); adding an id the organization has no contact for is a 400 " +
          "naming it, removing one is a no-op.",
      ),
  })
  .meta({ id: "ListMembersRequest", example: { contactIds: ["5c9e2f0a-1b3d-4e5f-8a7b-6c5d4e3f2a1b"] } });

export const ZListMembersChanged = z
  .object({
    changed: z
      .number()
      .int()
      .describe(
        "Memberships this request added (or removed): contacts already in the list (or not in it) do not count.",
      ),
  })
  .meta({ id: "ListMembersChanged", example: { changed: 3 } });

/**
 * Every contact matching a filter joins the list (the dashboard's "select all N matching"); an empty filter means
 * every contact of the organization, so the filter is required even when empty.
 */
export const ZListMembersMatchingRequest = z
  .strictObject({
    filter: ZContactFilter.describe(
      "The filters of GET …/contacts, with the same meaning; `{}` matches every contact of the organization.",
    ),
  })
  .meta({ id: "ListMembersMatchingRequest", example: { filter: { tag: "vip", consent: "opted_in" } } });

export const ZListMembersMatchingResult = z
  .object({
    matched: z.number().int().describe("Contacts the filter matched when the request ran."),
    added: z.number().int().describe("Of those, how many joined the list now."),
    already: z.number().int().describe("Of those, how many were members already."),
  })
  .meta({ id: "ListMembersMatchingResult", example: { matched: 5120, added: 5000, already: 120 } });
export type TListMembersMatchingResult = z.infer<typeof ZListMembersMatchingResult>;
