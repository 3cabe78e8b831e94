import { z } from "zod";
import { CREATED_AT, ZUuid } from "./common.ts";
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
    phone: z
      .array(z.string().min(1).max(200))
      .min(1)
      .max(20)
      .describe(
        "The 1–20 columns holding numbers (the first number found is the primary); a cell may hold several " +
          "(`:::`, `/`, `;`, `,` or ` | ` separated).",
      ),
    name: z.array(z.string().min(1).max(200)).max(5).optional().describe("Up to 5 columns joined into the name."),
    firstName: z.string().min(1).max(200).optional().describe("The column with the first name."),
    lastName: z.string().min(1).max(200).optional().describe("The column with the last name."),
    tags: z.string().min(1).max(200).optional().describe("The column with tags (comma-separated in a cell)."),
    ignore: z.array(z.string().max(200)).max(200).optional().describe("Columns not imported at all."),
    fields: z
      .record(z.string().max(200), ZCustomFieldKey)
      .optional()
      .describe("Header → custom field key, to rename a column's custom field."),
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
  rowsRead: z.number().int().describe("Rows read from the file (blank rows are skipped, not counted)."),
  imported: z.number().int().describe("Rows that became a new contact."),
  merged: z.number().int().describe("Rows merged into a contact: an earlier row of the file or one already stored."),
  rejected: z
    .number()
    .int()
    .describe(
      "Rows refused; the first 100 reported lines are in `errors` (which also lists numbers left out of imported " +
        "rows), all of them in errors.csv.",
    ),
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

/**
 * Why a number that was imported is reported nonetheless (an import's `warnings`, a preview row's warning of the same
 * code): `number_unlikely` — a possible number that is not a valid one of its country (libphonenumber's full
 * validation), most often a missing area code or a digit too few (`98888-0007`, `(11) 9888-001`). A Brazilian mobile
 * written without its ninth digit is not one: it is how WhatsApp still knows older accounts.
 */
export const ZImportWarningCode = z.enum(["number_unlikely"]);
export type TImportWarningCode = z.infer<typeof ZImportWarningCode>;

/** Which reported lines `GET …/imports/{importId}/errors.csv` answers. */
export const ZImportErrorsQuery = z.strictObject({
  kind: z
    .enum(["rejections", "warnings"])
    .optional()
    .describe(
      "`rejections` (default): the rejected lines and the numbers left out of imported rows (the import's " +
        "`errors`); `warnings`: the numbers imported with a warning (the import's `warnings`).",
    ),
});

export const ZImport = z
  .object({
    id: ZUuid.describe("The import's id."),
    status: ZImportStatus.describe("Where the import is: uploading, queued, running, completed or failed."),
    filename: z.string().nullable().describe("The file's name as given at upload; null: none given."),
    sizeBytes: z.number().int().describe("The file's size in bytes (0 until the upload is complete)."),
    encoding: z.string().nullable().describe("The text encoding read (detected or given); null until uploaded."),
    delimiter: z.string().nullable().describe("The column delimiter read (detected or given); null until uploaded."),
    mapping: z
      .unknown()
      .nullable()
      .describe("The ImportMapping used (given, else guessed from the header); null until uploaded."),
    options: z
      .record(z.string(), z.unknown())
      .describe("The upload's options: `tags`, `listId` and `defaultCountry` as applied to every row."),
    counts: ZImportCounts.describe("What happened to the rows so far."),
    warningCount: z
      .number()
      .int()
      .describe(
        "Numbers imported with a warning, so far (each listed in `warnings`, all in errors.csv?kind=warnings): " +
          "e.g. `number_unlikely`, a possible number that is not a valid one of its country. Their rows were " +
          "imported: not in `counts.rejected`.",
      ),
    error: z.string().nullable().describe("Why the import failed, in English; null unless failed."),
    errorCode: ZImportFailureCode.nullable().describe(
      "`error` for clients to word in their language; null unless failed (and for imports failed before codes).",
    ),
    errors: z
      .array(
        z.object({
          line: z.number().int().describe("The physical line where the row starts (the header is line 1)."),
          column: z.string().nullable().describe("The column at fault; null when the whole line is."),
          raw: z.string().nullable().describe("The value as written in the file; null when there is none."),
          reason: z.string().describe("Why, in English."),
          code: ZImportRejectionCode.nullable().describe(
            "`reason` for clients to word in their language; null only on lines recorded before every refusal had a code.",
          ),
        }),
      )
      .describe("The first 100 rejected lines and numbers left out (all of them: GET …/errors.csv)."),
    warnings: z
      .array(
        z.object({
          line: z.number().int().describe("The physical line where the row starts (the header is line 1)."),
          column: z.string().nullable().describe("The column the number was in."),
          raw: z.string().nullable().describe("The number as written in the file."),
          reason: z
            .string()
            .describe(
              "In English, with the reading stored, e.g. `the phone number was read as +55988880007, not a valid " +
                "BR number: check the area code and the digit count (imported anyway)`.",
            ),
          code: ZImportWarningCode.describe("`reason` for clients to word in their language."),
        }),
      )
      .describe(
        "The first 100 numbers imported with a warning (all of them: GET …/errors.csv?kind=warnings); the rows " +
          "were imported, unlike `errors`.",
      ),
    createdAt: ZTimestamp.describe(CREATED_AT),
    startedAt: ZTimestamp.nullable().describe("When processing began (ISO 8601 with offset); null: not yet."),
    finishedAt: ZTimestamp.nullable().describe("When it completed or failed (ISO 8601 with offset); null: not yet."),
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
      warningCount: 1,
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
      warnings: [
        {
          line: 9,
          column: "Celular",
          raw: "98888-0007",
          reason:
            "the phone number was read as +55988880007, not a valid BR number: check the area code and the digit " +
            "count (imported anyway)",
          code: "number_unlikely",
        },
      ],
      createdAt: "2026-11-24T10:00:00.000Z",
      startedAt: "2026-11-24T10:00:01.000Z",
      finishedAt: "2026-11-24T10:00:02.000Z",
    },
  });
export type TImport = z.infer<typeof ZImport>;

export const ZImportList = z.object({
  items: z.array(ZImport).describe("The organization's 100 latest imports, newest first."),
});
