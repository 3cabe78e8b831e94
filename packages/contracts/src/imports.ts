import { z } from "zod";
import { ZUuid } from "./common.ts";
import { ZCustomFieldKey } from "./contacts.ts";

const ZTimestamp = z.iso.datetime({ offset: true });

export const ZImportParams = z.strictObject({ orgId: ZUuid, importId: ZUuid });
export const ZImportStatus = z.enum(["uploading", "queued", "running", "completed", "failed"]);

/**
 * Which file columns feed which contact fields, by header text. Columns not named anywhere become custom fields
 * (key: the header, lower-cased, accents removed, spaces → `_`) unless listed in `ignore`.
 */
export const ZImportMapping = z
  .strictObject({
    /** One or more columns holding numbers; a cell may hold several (`:::`, `/`, `;`, `,` or ` | ` separated). */
    phone: z.array(z.string().min(1).max(200)).min(1).max(20),
    name: z.array(z.string().min(1).max(200)).max(5).optional(),
    firstName: z.string().min(1).max(200).optional(),
    lastName: z.string().min(1).max(200).optional(),
    tags: z.string().min(1).max(200).optional(),
    ignore: z.array(z.string().max(200)).max(200).optional(),
    /** Header → custom field key, to rename. */
    fields: z.record(z.string().max(200), ZCustomFieldKey).optional(),
  })
  .meta({ id: "ImportMapping", example: { phone: ["Celular", "Telefone"], name: ["Nome"], ignore: ["Observações"] } });
export type TImportMapping = z.infer<typeof ZImportMapping>;

/**
 * Why an uploaded file (a contact import, its preview, a blacklist file) is refused before anything is read from
 * it, as the problem's `reasonCode`: empty, a header without rows, a spreadsheet workbook, a PDF, an image, a
 * compressed archive, other binary, text that is not CSV, a blacklist file with neither a phone nor a LID column.
 */
export const ZFileRefusalCode = z.enum([
  "file_empty",
  "file_no_rows",
  "file_workbook",
  "file_pdf",
  "file_image",
  "file_archive",
  "file_binary",
  "file_not_csv",
  "file_no_phone_or_lid_column",
]);
export type TFileRefusalCode = z.infer<typeof ZFileRefusalCode>;

/** Query string of the upload (the body is the raw file). */
export const ZImportUploadQuery = z.strictObject({
  filename: z.string().max(300).optional(),
  /** JSON of ImportMapping; guessed from the header (pt/es/en) when absent. */
  mapping: z
    .string()
    .max(20_000)
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return undefined;
      try {
        const parsed = ZImportMapping.safeParse(JSON.parse(v));
        if (parsed.success) return parsed.data;
        for (const i of parsed.error.issues) ctx.addIssue({ code: "custom", message: i.message, path: i.path });
      } catch {
        ctx.addIssue({ code: "custom", message: "mapping must be JSON" });
      }
      return z.NEVER;
    }),
  /** Comma-separated tags given to every imported contact. */
  tags: z
    .string()
    .max(2000)
    .optional()
    .transform((v) =>
      (v ?? "")
        .split(",")
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  listId: ZUuid.optional(),
  /** Country for numbers written without one; defaults to the organization's. */
  defaultCountry: z
    .string()
    .regex(/^[A-Za-z]{2}$/)
    .transform((v) => v.toUpperCase())
    .optional(),
  /** Override detection. */
  delimiter: z.enum([",", ";", "\t", "|"]).optional(),
  encoding: z.enum(["utf-8", "windows-1252", "iso-8859-1", "utf-16le"]).optional(),
});

export const ZImportCounts = z.object({
  rowsRead: z.number().int(),
  imported: z.number().int(),
  merged: z.number().int(),
  rejected: z.number().int(),
});

/** Why a phone number is not valid: the reasons of the phone parser (@mirage/phone's PhoneRejectionReason). */
export const ZPhoneRejectionCode = z.enum([
  "empty",
  "not_a_number",
  "invalid_country",
  "too_short",
  "too_long",
  "invalid_length",
  "not_possible",
]);
export type TPhoneRejectionCode = z.infer<typeof ZPhoneRejectionCode>;

/**
 * Why a line is refused (in a preview, and each rejected line of an import), for clients to word it in their
 * language (`reason` is English): a phone parser's reason, `no_phone` (no number in the phone columns), `blank_row`;
 * for an import's lines also `extra_number_dropped` (one of the row's numbers is not valid and was left out, the row
 * itself was imported), `not_utf8` (a line not valid in the file's encoding), `unreadable_line` (not valid CSV).
 */
export const ZImportRejectionCode = z.enum([
  ...ZPhoneRejectionCode.options,
  "no_phone",
  "blank_row",
  "extra_number_dropped",
  "not_utf8",
  "unreadable_line",
  "extra_cells",
]);
export type TImportRejectionCode = z.infer<typeof ZImportRejectionCode>;

/**
 * Why an import stopped (`error` is English): the file turned out `empty` or with `no_rows`, its mapping no longer
 * applies (`no_phone_column`, `missing_columns`), the uploader is gone (`no_uploader`) or `may_not_write` contacts
 * any more, or an `internal` error outlasted the retries.
 */
export const ZImportFailureCode = z.enum([
  "empty",
  "no_rows",
  "no_phone_column",
  "missing_columns",
  "no_uploader",
  "may_not_write",
  "internal",
]);
export type TImportFailureCode = z.infer<typeof ZImportFailureCode>;

export const ZImport = z
  .object({
    id: ZUuid,
    status: ZImportStatus,
    filename: z.string().nullable(),
    sizeBytes: z.number().int(),
    encoding: z.string().nullable(),
    delimiter: z.string().nullable(),
    mapping: z.unknown().nullable(),
    options: z.record(z.string(), z.unknown()),
    counts: ZImportCounts,
    error: z.string().nullable(),
    /** `error` for clients to word in their language; null unless failed (and for imports failed before codes). */
    errorCode: ZImportFailureCode.nullable(),
    /** The first rejected lines (all of them: GET …/errors.csv). */
    errors: z.array(
      z.object({
        line: z.number().int(),
        column: z.string().nullable(),
        raw: z.string().nullable(),
        reason: z.string(),
        /** Null only on lines recorded before every refusal had a code. */
        code: ZImportRejectionCode.nullable(),
      }),
    ),
    createdAt: ZTimestamp,
    startedAt: ZTimestamp.nullable(),
    finishedAt: ZTimestamp.nullable(),
  })
  .meta({
    id: "Import",
    example: {
      id: "9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f",
      status: "completed",
      filename: "clientes.csv",
      sizeBytes: 48213,
      encoding: "windows-1252",
      delimiter: ";",
      mapping: { phone: ["Celular", "Telefone"], name: ["Nome"] },
      options: { tags: ["planilha"], listId: null, defaultCountry: "BR" },
      counts: { rowsRead: 1000, imported: 960, merged: 25, rejected: 15 },
      error: null,
      errorCode: null,
      errors: [
        {
          line: 7,
          column: "Celular",
          raw: "abc",
          reason: "the phone number is not written as a number",
          code: "not_a_number",
        },
      ],
      createdAt: "2026-11-24T10:00:00.000Z",
      startedAt: "2026-11-24T10:00:01.000Z",
      finishedAt: "2026-11-24T10:00:02.000Z",
    },
  });
export type TImport = z.infer<typeof ZImport>;

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
 * as merged) rather than adding one (only the previewed rows are compared).
 */
export const ZImportPreviewWarning = z.discriminatedUnion("code", [
  z.object({
    code: z.literal("extra_number_dropped"),
    column: z.string().nullable(),
    raw: z.string(),
    cause: ZPhoneRejectionCode,
  }),
  z.object({ code: z.literal("duplicate_number"), raw: z.string(), firstLine: z.number().int() }),
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
      ],
    },
  });
export type TImportPreview = z.infer<typeof ZImportPreview>;
