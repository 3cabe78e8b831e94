import { z } from "zod";
import { ZImportMapping, ZImportRejectionCode, ZImportUploadQuery, ZPhoneRejectionCode } from "./imports.ts";

/** The import preview: what a CSV would store, row by row, before anything is written. */

/** Query of the preview: the same overrides as the upload. */
export const ZImportPreviewQuery = ZImportUploadQuery.pick({
  mapping: true,
  tags: true,
  defaultCountry: true,
  delimiter: true,
  encoding: true,
}).extend({
  /** `true` when the body is only the beginning of a larger file (a partial last line is then ignored). */
  partial: z.enum(["true", "false"]).optional(),
});

const ZPreviewContact = z.object({
  phone: z.string().describe("The primary number (E.164)."),
  altPhones: z.array(z.string()).describe("The row's other valid numbers (E.164)."),
  name: z.string().nullable().describe("The name; null: none in the row."),
  tags: z.array(z.string()).describe("The tags: the row's and the upload's."),
  customFields: z.record(z.string(), z.string()).describe("Custom fields by key, from the unmapped columns."),
  lineType: z.string().nullable().describe("The primary number's line type (mobile, fixed_line…); null: not known."),
});
const WARNING_CODE = "What the import would do to the row; see the other fields for its details.";
const WARNING_RAW_E164 = "The number (E.164).";

/**
 * A row the import would store, but not exactly as written: `extra_number_dropped` — one of its numbers (`raw`, in
 * `column`) is not valid (`cause`) and is left out, its other numbers are kept; `duplicate_number` — its number
 * `raw` (E.164) is that of the row on `firstLine` of the file, so the import merges it into that contact (counted
 * as merged) rather than adding one (only the previewed rows are compared); `number_unlikely` — one of its numbers
 * is possible but not valid in its country (stored anyway, as `phone`); `renames_contact` — its number is that of a
 * contact of the organization whose name the row changes (later non-empty values win).
 */
export const ZImportPreviewWarning = z.discriminatedUnion("code", [
  z.object({
    code: z.literal("extra_number_dropped").describe(WARNING_CODE),
    column: z.string().nullable().describe("The column the dropped number was in."),
    raw: z.string().describe("The dropped number as written."),
    cause: ZPhoneRejectionCode.describe("Why it is not valid."),
  }),
  z.object({
    code: z.literal("duplicate_number").describe(WARNING_CODE),
    raw: z.string().describe(WARNING_RAW_E164),
    firstLine: z.number().int().describe("The line of the earlier row with the same number, which it merges into."),
  }),
  z.object({
    code: z.literal("number_unlikely").describe(WARNING_CODE),
    column: z.string().nullable().describe("The column the number is in."),
    raw: z.string().describe("The number as written in the file."),
    phone: z.string().describe("How it is read and would be stored (E.164), e.g. `+55988880007`."),
    country: z
      .string()
      .nullable()
      .describe("The country it was read in (ISO alpha-2), null when its calling code is shared by several."),
    reason: z.string().describe("In English, e.g. `not a valid BR number: check the area code and the digit count`."),
  }),
  z.object({
    code: z.literal("renames_contact").describe(WARNING_CODE),
    raw: z.string().describe("The number (E.164) of the contact of the organization the row updates."),
    currentName: z.string().describe("The contact's name now."),
    newName: z.string().describe("The name the row gives it."),
  }),
]);
export type TImportPreviewWarning = z.infer<typeof ZImportPreviewWarning>;

/** Why a mapping cannot apply to a file: no column holds phone numbers, or it names columns the file lacks. */
export const ZImportMappingProblemCode = z.enum(["no_phone_column", "missing_columns"]);
export type TImportMappingProblemCode = z.infer<typeof ZImportMappingProblemCode>;

/** What an import of this file would detect and store for its first rows; nothing is written. */

export const ZImportPreview = z
  .object({
    encoding: z.string().describe("The text encoding read (detected or given)."),
    delimiter: z.string().describe("The column delimiter read (detected or given)."),
    header: z.array(z.string()).describe("The header row's cells."),
    mapping: ZImportMapping.describe("The mapping that would be used (the given one, else guessed from the header)."),
    fields: z
      .record(z.string(), z.string())
      .describe("Header → custom field key, for the columns that become custom fields."),
    problem: z
      .string()
      .nullable()
      .describe("Why the mapping cannot apply (English): the upload would be refused with it; null: it applies."),
    problemCode: ZImportMappingProblemCode.nullable().describe(
      "`problem` for clients to word in their language; null: no problem.",
    ),
    missingColumns: z
      .array(z.string())
      .describe("For `missing_columns`: the columns the mapping names and the file does not have; else empty."),
    unlikelyNumbers: z
      .number()
      .int()
      .describe("How many numbers of the previewed rows carry a `number_unlikely` warning (imported anyway)."),
    renamedContacts: z
      .number()
      .int()
      .describe(
        "How many previewed rows carry a `renames_contact` warning: their number is that of a contact of the " +
          "organization, whose name they would change.",
      ),
    rows: z
      .array(
        z.object({
          line: z.number().int().describe("The physical line where the record starts (the header is line 1)."),
          cells: z.array(z.string()).describe("The record's cells as read."),
          contact: ZPreviewContact.nullable().describe("The contact the row would store; null when it is rejected."),
          rejection: z
            .object({
              column: z.string().nullable().describe("The column at fault; null when the whole row is."),
              raw: z.string().nullable().describe("The value as written; null when there is none."),
              reason: z.string().describe("Why, in English."),
              code: ZImportRejectionCode.describe("`reason` for clients to word in their language."),
            })
            .nullable()
            .describe("Why the row would be refused; null when it would be stored."),
          warnings: z
            .array(ZImportPreviewWarning)
            .describe("What the import would do to the row besides storing it (an extra number dropped, a merge)."),
        }),
      )
      .describe("The first rows of the file, as the import would read them."),
  })
  .meta({
    id: "ImportPreview",
    example: {
      encoding: "windows-1252",
      delimiter: ";",
      header: ["Nome", "Celular", "Cidade"],
      mapping: { phone: ["Celular"], name: ["Nome"] },
      fields: { Cidade: "cidade" },
      problem: null,
      problemCode: null,
      missingColumns: [],
      unlikelyNumbers: 1,
      renamedContacts: 0,
      rows: [
        {
          line: 2,
          cells: ["João Conceição", "(11) 98765-4321", "São Paulo"],
          contact: {
            phone: "+5511987654321",
            altPhones: [],
            name: "João Conceição",
            tags: ["planilha"],
            customFields: { cidade: "São Paulo" },
            lineType: "mobile",
          },
          rejection: null,
          warnings: [],
        },
        {
          line: 3,
          cells: ["Sem Número", "abc", "Recife"],
          contact: null,
          rejection: {
            column: "Celular",
            raw: "abc",
            reason: "the phone number is not written as a number",
            code: "not_a_number",
          },
          warnings: [],
        },
        {
          line: 4,
          cells: ["João C.", "11 98765-4321 / 1234", "São Paulo"],
          contact: {
            phone: "+5511987654321",
            altPhones: [],
            name: "João C.",
            tags: ["planilha"],
            customFields: { cidade: "São Paulo" },
            lineType: "mobile",
          },
          rejection: null,
          warnings: [
            { code: "extra_number_dropped", column: "Celular", raw: "1234", cause: "too_short" },
            { code: "duplicate_number", raw: "+5511987654321", firstLine: 2 },
          ],
        },
        {
          line: 5,
          cells: ["Rita", "98888-0007", "Recife"],
          contact: {
            phone: "+55988880007",
            altPhones: [],
            name: "Rita",
            tags: ["planilha"],
            customFields: { cidade: "Recife" },
            lineType: "unknown",
          },
          rejection: null,
          warnings: [
            {
              code: "number_unlikely",
              column: "Celular",
              raw: "98888-0007",
              phone: "+55988880007",
              country: "BR",
              reason: "not a valid BR number: check the area code and the digit count",
            },
          ],
        },
      ],
    },
  });
export type TImportPreview = z.infer<typeof ZImportPreview>;
