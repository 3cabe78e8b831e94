import { z } from "zod";
import { CREATED_AT, cursorPageQuery, UPDATED_AT, ZUuid } from "./common.ts";

/** REST DTOs of contacts, lists and consent. Phone numbers in requests may be written in any common form; the API
 * parses them with the organization's default country (`@mirage/phone`) and answers E.164. */
const ZTimestamp = z.iso.datetime({ offset: true });

export const ZConsentState = z.enum(["unknown", "opted_in", "opted_out"]);
export type TConsentState = z.infer<typeof ZConsentState>;

const ZTag = z.string().trim().min(1).max(64);
/**
 * A custom field key a template can read as `{{key}}`: the characters of a template variable (packages/templates,
 * parse.ts) and no space at either end (a template trims the name, so " cidade" could never be read).
 */
export const CUSTOM_FIELD_KEY = /^(?! )[\p{L}\p{N}_.\- ]{1,64}(?<! )$/u;
export const CUSTOM_FIELD_KEY_RULE =
  "a custom field key is 1–64 letters, digits, spaces, _ . or - (what a template's {{variable}} can name), " +
  "not starting or ending with a space";
export const ZCustomFieldKey = z.string().regex(CUSTOM_FIELD_KEY, CUSTOM_FIELD_KEY_RULE);

const ZCustomFields = z
  .record(z.string().min(1).max(64), z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]))
  .refine((o) => Object.keys(o).length <= 100, "at most 100 custom fields")
  .superRefine((o, ctx) => {
    // Only keys given a value: `null` may still remove a key stored before this rule (an import's or an API's).
    for (const [k, v] of Object.entries(o)) {
      if (v !== null && !CUSTOM_FIELD_KEY.test(k))
        ctx.addIssue({ code: "custom", path: [k], message: CUSTOM_FIELD_KEY_RULE });
    }
  });
const ZWrittenPhone = z.string().trim().min(1).max(64);

export const ZContactParams = z.strictObject({ orgId: ZUuid, contactId: ZUuid });

export const ZContact = z
  .object({
    id: ZUuid.describe("The contact's id."),
    phone: z.string().describe("The primary number (E.164), the one campaigns use; unique in the organization."),
    altPhones: z.array(z.string()).describe("Other numbers the person was given with (E.164); empty: none."),
    waLid: z.string().nullable().describe("The person's WhatsApp LID (`…@lid`); null: not known."),
    name: z.string().nullable().describe("The contact's name; null: none."),
    customFields: z
      .record(z.string(), z.unknown())
      .describe("Custom fields by key (templates read them as `{{key}}`)."),
    tags: z.array(z.string()).describe("The contact's tags."),
    lineType: z.string().nullable().describe("The primary number's line type (mobile, fixed_line…); null: not known."),
    consent: z
      .object({
        state: ZConsentState.describe("The current consent state."),
        source: z.string().nullable().describe("Where it was given or withdrawn; null: never recorded."),
        at: ZTimestamp.nullable().describe("When it was recorded (ISO 8601 with offset); null: never."),
      })
      .describe("The contact's current consent (the latest consent event)."),
    optedOutAt: ZTimestamp.nullable().describe(
      "Since when the contact is opted out (ISO 8601 with offset); null: it is not.",
    ),
    lastInboundAt: ZTimestamp.nullable().describe(
      "When the person last sent a message (ISO 8601 with offset); null: never.",
    ),
    lastOutboundAt: ZTimestamp.nullable().describe(
      "When a message was last sent to them (ISO 8601 with offset); null: never.",
    ),
    createdAt: ZTimestamp.describe(CREATED_AT),
    updatedAt: ZTimestamp.describe(UPDATED_AT),
  })
  .meta({
    id: "Contact",
    example: {
      id: "5c9e2f0a-1b3d-4e5f-8a7b-6c5d4e3f2a1b",
      phone: "+5511999990001",
      altPhones: ["+551133330000"],
      waLid: null,
      name: "Ana Souza",
      customFields: { cidade: "Recife" },
      tags: ["vip"],
      lineType: "mobile",
      consent: { state: "opted_in", source: "site form", at: "2026-11-24T10:00:00.000Z" },
      optedOutAt: null,
      lastInboundAt: null,
      lastOutboundAt: null,
      createdAt: "2026-11-24T10:00:00.000Z",
      updatedAt: "2026-11-24T10:00:00.000Z",
    },
  });
export type TContact = z.infer<typeof ZContact>;

/**
 * One contact as its own page reads it: the contact and whether the blacklist blocks it (by any of its numbers, its
 * LID, or an erased number's hash — what GET /blacklist/check answers). Lists leave it out: a lookup per contact.
 */
export const ZContactDetail = ZContact.extend({
  blacklisted: z.boolean().describe("A blacklist entry blocks one of its numbers or its LID (as GET /blacklist/check)"),
}).meta({
  id: "ContactDetail",
  example: { ...(ZContact.meta()?.example as object), blacklisted: false },
});
export type TContactDetail = z.infer<typeof ZContactDetail>;

const PHONE_HELP =
  "in any written form, stored as E.164 (without a country code, the organization's default country applies); " +
  "unique in the organization";
const CUSTOM_FIELDS_HELP =
  "values are text up to 2,000 characters, numbers, booleans or null, at most 100 keys, and a key given a value " +
  "must be one a template can read as `{{key}}` (1–64 letters, digits, spaces, _ . or -, no space at either end)";

export const ZCreateContactRequest = z
  .strictObject({
    phone: ZWrittenPhone.describe(`The contact's number ${PHONE_HELP} (409 with the existing contact's id).`),
    name: z.string().trim().max(500).optional().describe("The contact's name (up to 500 characters)."),
    customFields: ZCustomFields.optional().describe(`Custom fields by key: ${CUSTOM_FIELDS_HELP}.`),
    tags: z.array(ZTag).max(50).optional().describe("Tags (up to 50, each 1–64 characters; duplicates count once)."),
    listIds: z
      .array(ZUuid)
      .max(50)
      .optional()
      .describe("Lists the new contact joins (up to 50); an unknown list is a 404 and nothing is created."),
    waLid: z.string().max(64).optional().describe("The person's WhatsApp LID (`…@lid`), when known."),
  })
  .meta({ id: "CreateContactRequest", example: { phone: "(11) 99999-0001", name: "Ana Souza", tags: ["vip"] } });

export const ZUpdateContactRequest = z
  .strictObject({
    phone: ZWrittenPhone.optional().describe(
      `The contact's new number ${PHONE_HELP} (409 when another contact has it).`,
    ),
    name: z
      .string()
      .trim()
      .max(500)
      .nullable()
      .optional()
      .describe("The contact's name (up to 500 characters); null removes it."),
    customFields: ZCustomFields.optional().describe(
      `Replaces the custom fields, or with \`mergeCustomFields\` is merged into them (a null value then removes ` +
        `its key); ${CUSTOM_FIELDS_HELP}.`,
    ),
    mergeCustomFields: z
      .boolean()
      .optional()
      .describe("true: `customFields` is merged into the stored fields; false or absent: it replaces them."),
    tags: z
      .array(ZTag)
      .max(50)
      .optional()
      .describe("Replaces the contact's tags (up to 50, each 1–64 characters; duplicates count once)."),
    waLid: z.string().max(64).nullable().optional().describe("The person's WhatsApp LID (`…@lid`); null removes it."),
  })
  .meta({ id: "UpdateContactRequest", example: { name: "Ana M. Souza", customFields: { cidade: "Olinda" } } });

/** The contacts table's filter: what `GET /contacts` searches, counts, exports and a bulk action acts on. */
export const ZContactFilter = z
  .strictObject({
    /** Matches the name (prefix, case-insensitive) or the number (digits anywhere). */
    q: z.string().trim().max(100).optional(),
    tag: ZTag.optional(),
    listId: ZUuid.optional(),
    segmentId: ZUuid.optional(),
    /** The contact's current consent state. */
    consent: ZConsentState.optional(),
    /** `true`: replied at least once; `false`: never replied. */
    replied: z.enum(["true", "false"]).optional(),
  })
  .meta({ id: "ContactFilter", example: { tag: "vip", consent: "opted_in" } });
export type TContactFilter = z.infer<typeof ZContactFilter>;

export const ZContactListQuery = z.strictObject({
  ...ZContactFilter.shape,
  ...cursorPageQuery({ defaultLimit: 50, maxLimit: 500 }).shape,
});

export const ZContactCount = z
  .object({ count: z.number().int().describe("How many contacts match the filter.") })
  .meta({ id: "ContactCount", example: { count: 5120 } });

export const ZConsentRequest = z
  .strictObject({
    state: z
      .enum(["opted_in", "opted_out"])
      .describe(
        "The contact's consent from now on (appended to its history); `opted_out` stops further sends to it until " +
          "an `opted_in`.",
      ),
    source: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .describe("Where the consent was given or withdrawn, e.g. a form's name (1–200 characters)."),
    evidence: z
      .string()
      .max(2000)
      .optional()
      .describe("Proof kept with the event, e.g. a checkbox's version or the text agreed to (up to 2,000 characters)."),
  })
  .meta({ id: "ConsentRequest", example: { state: "opted_in", source: "landing page form", evidence: "checkbox v3" } });

export const ZConsentEvent = z
  .object({
    id: z.number().int().describe("The event's id: increasing, the order events were recorded in."),
    state: ZConsentState.describe("The consent from this event on."),
    source: z.string().describe("Where the consent was given or withdrawn."),
    evidence: z.string().nullable().describe("Proof kept with the event; null: none given."),
    createdBy: z.string().nullable().describe("The user who recorded it (an API key's principal user); null: unknown."),
    createdAt: ZTimestamp.describe("When it was recorded (ISO 8601 with offset)."),
  })
  .meta({
    id: "ConsentEvent",
    example: {
      id: 17,
      state: "opted_in",
      source: "landing page form",
      evidence: "checkbox v3",
      createdBy: "0b7e1a52-8d0e-4a57-a1f4-5c2f8e6b9d10",
      createdAt: "2026-11-24T10:00:00.000Z",
    },
  });
export type TConsentEvent = z.infer<typeof ZConsentEvent>;

export const ZEraseResponse = z
  .object({
    erased: z.literal(true).describe("Always true: the contact's data is gone."),
    blacklistedHash: z
      .boolean()
      .describe("True when the number stays blocked as a salted hash, so an opt-out survives the erasure."),
    messagesDeleted: z.number().int().describe("Same as `deleted.messages` (kept for older clients)."),
    deleted: z
      .object({
        messages: z.number().int().describe("Messages to and from the person."),
        conversations: z.number().int().describe("Inbox conversations with the person."),
        notes: z.number().int().describe("Internal notes on those conversations."),
        consentEvents: z.number().int().describe("Consent history events."),
        listMemberships: z.number().int().describe("List memberships."),
        importErrors: z.number().int().describe("Import errors whose raw cell quoted one of the person's numbers."),
        webhookDeliveries: z.number().int().describe("Webhook deliveries whose payload named the person."),
        waIdLookups: z
          .number()
          .int()
          .describe("The cached on-WhatsApp answer for the number (0 while another organization holds the number)."),
        signalKeys: z
          .number()
          .int()
          .describe(
            "Encryption keys the organization's numbers kept for the person (sessions, identity keys, the phone ↔ " +
              "LID mapping, device list, privacy token).",
          ),
        numbersForgotten: z
          .number()
          .int()
          .describe(
            "The organization's numbers whose worker confirmed it dropped the person's keys from memory (one whose " +
              "worker did not answer in time forgets them when it restarts).",
          ),
        segments: z.number().int().describe("Saved segments that quoted the number: kept, the value replaced."),
        auditEntries: z.number().int().describe("Audit entries that quoted the number: kept, the value replaced."),
        queuedJobs: z.number().int().describe("Queued jobs (commands to the numbers' workers) that named the person."),
      })
      .describe("Rows removed (or rewritten), per kind: what the person can be told was erased."),
  })
  .meta({
    id: "EraseResponse",
    example: {
      erased: true,
      blacklistedHash: true,
      messagesDeleted: 12,
      deleted: {
        messages: 12,
        conversations: 1,
        notes: 2,
        consentEvents: 3,
        listMemberships: 1,
        importErrors: 0,
        webhookDeliveries: 4,
        waIdLookups: 1,
        signalKeys: 6,
        numbersForgotten: 2,
        segments: 0,
        auditEntries: 1,
        queuedJobs: 0,
      },
    },
  });

/** Everything held about one contact (LGPD access request). */
export const ZContactExport = z
  .object({
    exportedAt: ZTimestamp.describe("When the export was made (ISO 8601 with offset)."),
    contact: ZContact.describe("The contact as stored."),
    consent: z.array(ZConsentEvent).describe("The consent history, oldest first."),
    lists: z.array(z.record(z.string(), z.unknown())).describe("The lists the contact is on, with when it joined."),
    outboundMessages: z.array(z.record(z.string(), z.unknown())).describe("Every message sent to the person."),
    inboundMessages: z.array(z.record(z.string(), z.unknown())).describe("Every message received from the person."),
    conversations: z
      .array(z.record(z.string(), z.unknown()))
      .describe("Inbox conversations with the person, each with its internal notes (`notes`)."),
    importErrors: z
      .array(z.record(z.string(), z.unknown()))
      .describe("Import errors whose raw cell quotes one of the person's numbers."),
    blacklist: z.array(z.record(z.string(), z.unknown())).describe("Blacklist entries for its numbers or LID."),
    pendingChanges: z
      .array(z.record(z.string(), z.unknown()))
      .describe("Their edits and deletions that arrived before the message they change, still waiting for it."),
  })
  .meta({
    id: "ContactExport",
    example: {
      exportedAt: "2026-11-30T10:00:00.000Z",
      contact: ZContact.meta()?.example,
      consent: [],
      lists: [{ id: "1d2c3b4a-5e6f-4a1b-8c9d-0e1f2a3b4c5d", name: "Leads Nov", addedAt: "2026-11-24T10:00:00.000Z" }],
      outboundMessages: [{ id: 1, state: "read", body: "Oi Ana!", sentAt: "2026-11-25T12:00:00.000Z" }],
      inboundMessages: [{ id: 9, body: "Obrigada!", receivedAt: "2026-11-25T12:03:00.000Z" }],
      conversations: [
        {
          id: "6f1e2d3c-4b5a-4c6d-8e7f-9a0b1c2d3e4f",
          peerPhone: "+5511999990001",
          peerName: "Ana",
          status: "open",
          notes: [{ id: 1, body: "Prefere contato à tarde", createdAt: "2026-11-25T12:05:00.000Z" }],
        },
      ],
      importErrors: [],
      blacklist: [],
      pendingChanges: [],
    },
  });

const LAST_DIRECTION = "Whether the last message was received (`in`) or sent (`out`); null: no message yet.";
const LAST_PREVIEW = "A preview of the last message (up to 160 characters of its text, or its kind); null: none yet.";

/** What a contact took part in: conversations in the inbox and the campaigns that wrote to them. */
export const ZContactActivity = z
  .object({
    conversations: z
      .array(
        z.object({
          id: ZUuid.describe("The conversation's id."),
          instanceId: ZUuid.describe("The instance (number) the conversation is on."),
          status: z.string().describe("`open` or `closed`."),
          unreadCount: z.number().int().describe("Received messages not yet read in the inbox."),
          lastMessageAt: ZTimestamp.describe("When its last message was sent or received (ISO 8601 with offset)."),
          lastMessageDirection: z.enum(["in", "out"]).nullable().describe(LAST_DIRECTION),
          lastMessagePreview: z.string().nullable().describe(LAST_PREVIEW),
        }),
      )
      .describe("The contact's inbox conversations."),
    campaigns: z
      .array(
        z.object({
          campaignId: ZUuid.describe("The campaign's id."),
          name: z.string().describe("The campaign's name."),
          status: z.string().describe("The campaign's status."),
          messages: z.number().int().describe("Messages of the campaign to this contact."),
          lastState: z.string().describe("The state of the most recently updated of those messages."),
          lastAt: ZTimestamp.describe("When one of those messages last changed (ISO 8601 with offset)."),
        }),
      )
      .describe("Campaigns that wrote to the contact, most recent activity first (at most 50)."),
  })
  .meta({
    id: "ContactActivity",
    example: {
      conversations: [
        {
          id: "1f5e8a3c-2b4d-4c6e-8f0a-1b2c3d4e5f60",
          instanceId: "6f1c2b8e-4d5a-4e1b-9c3d-2a7e8f0b1c2d",
          status: "open",
          unreadCount: 1,
          lastMessageAt: "2026-11-30T10:02:00.000Z",
          lastMessageDirection: "in",
          lastMessagePreview: "Quero saber mais",
        },
      ],
      campaigns: [
        {
          campaignId: "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b",
          name: "Black Friday",
          status: "completed",
          messages: 1,
          lastState: "read",
          lastAt: "2026-11-28T14:00:00.000Z",
        },
      ],
    },
  });
export type TContactActivity = z.infer<typeof ZContactActivity>;
