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
  phone: z.string(),
  altPhones: z.array(z.string()),
  name: z.string().nullable(),
  tags: z.array(z.string()),
  customFields: z.record(z.string(), z.string()),
  lineType: z.string().nullable(),
});

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
    code: z.literal("extra_number_dropped"),
    column: z.string().nullable(),
    raw: z.string(),
    cause: ZPhoneRejectionCode,
  }),
  z.object({ code: z.literal("duplicate_number"), raw: z.string(), firstLine: z.number().int() }),
  z.object({
    code: z.literal("number_unlikely"),
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
    code: z.literal("renames_contact"),
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
    encoding: z.string(),
    delimiter: z.string(),
    header: z.array(z.string()),
    /** The mapping that would be used (the given one, else guessed from the header). */
    mapping: ZImportMapping,
    /** Header → custom field key, for the columns that become custom fields. */
    fields: z.record(z.string(), z.string()),
    /** Set when the mapping cannot apply (e.g. no phone column): the upload would be refused with this reason. */
    problem: z.string().nullable(),
    /** `problem` for clients to word in their language (`problem` is English). */
    problemCode: ZImportMappingProblemCode.nullable(),
    /** For `missing_columns`: the columns the mapping names and the file does not have. */
    missingColumns: z.array(z.string()),
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
    rows: z.array(
      z.object({
        /** The physical line where the record starts (the header is line 1). */
        line: z.number().int(),
        cells: z.array(z.string()),
        contact: ZPreviewContact.nullable(),
        rejection: z
          .object({
            column: z.string().nullable(),
            raw: z.string().nullable(),
            reason: z.string(),
            code: ZImportRejectionCode,
          })
          .nullable(),
        /** What the import would do to the row besides storing it (an extra number dropped, a merge). */
        warnings: z.array(ZImportPreviewWarning),
      }),
    ),
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
