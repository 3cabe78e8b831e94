import { z } from "zod";
import { CREATED_AT, UPDATED_AT, ZUuid } from "./common.ts";

const ZTimestamp = z.iso.datetime({ offset: true });

export const ZTemplateParams = z.strictObject({ orgId: ZUuid, templateId: ZUuid });

const VARIANTS_HELP = "one per variant: the body, then each variation";

export const ZTemplateWarning = z.object({
  code: z
    .string()
    .describe("What is wrong, as a code (unknown_variable, missing_value, similar_variants, unclosed_spintax…)."),
  message: z.string().describe("The warning in English."),
  variant: z
    .number()
    .int()
    .optional()
    .describe("The wording concerned (0: the body, 1…: the variations); absent: not about one."),
  variable: z.string().optional().describe("The variable concerned; absent when the warning is not about one."),
  other: z.number().int().optional().describe("For similar_variants: the other, too similar wording."),
  similarity: z.number().optional().describe("For similar_variants: how alike the two wordings are (0–1)."),
});

export const ZTemplate = z
  .object({
    id: ZUuid.describe("The template's id."),
    name: z.string().describe("The template's name, unique in the organization."),
    body: z.string().describe("The text, with `{{variable|fallback}}` variables and `{a|b}` spintax."),
    variations: z.array(z.string()).describe("Alternative wordings; each recipient gets the body or one of these."),
    variables: z.array(z.string()).describe("The variables the body and variations use."),
    warnings: z.array(ZTemplateWarning).describe("Problems found in the text (it is saved anyway)."),
    createdAt: ZTimestamp.describe(CREATED_AT),
    updatedAt: ZTimestamp.describe(UPDATED_AT),
  })
  .meta({
    id: "Template",
    example: {
      id: "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e",
      name: "Boas-vindas",
      body: "{Olá|Oi} {{first_name|cliente}}! *Novidade* para você em {{cidade|sua cidade}}.",
      variations: ["{Bom dia|Boa tarde}, {{first_name|tudo bem}}? Temos _novidades_."],
      variables: ["first_name", "cidade"],
      warnings: [],
      createdAt: "2026-11-24T10:00:00.000Z",
      updatedAt: "2026-11-24T10:00:00.000Z",
    },
  });

const ZBody = z.string().min(1).max(4096);
const NAME_HELP = "The template's name, unique in the organization (1–200 characters).";
const BODY_HELP =
  "The text (1–4,096 characters): `{{variable}}` or `{{variable|fallback}}`, spintax `{Olá|Oi}` (nested), and " +
  "WhatsApp formatting, which passes through.";
const VARIATIONS_HELP =
  "Up to 50 alternative wordings of the body (same syntax, each up to 4,096 characters); each recipient gets the " +
  "body or one of these";

export const ZCreateTemplateRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(200).describe(NAME_HELP),
    body: ZBody.describe(BODY_HELP),
    variations: z.array(ZBody).max(50).optional().describe(`${VARIATIONS_HELP}; absent: none.`),
  })
  .meta({ id: "CreateTemplateRequest", example: { name: "Boas-vindas", body: "{Olá|Oi} {{first_name|cliente}}!" } });
export const ZUpdateTemplateRequest = z.strictObject({
  name: z.string().trim().min(1).max(200).optional().describe(NAME_HELP),
  body: ZBody.optional().describe(BODY_HELP),
  variations: z.array(ZBody).max(50).optional().describe(`${VARIATIONS_HELP}; replaces the stored ones.`),
});

export const ZTemplatePreviewRequest = z
  .strictObject({
    contactIds: z
      .array(ZUuid)
      .min(1)
      .max(50)
      .optional()
      .describe(
        "Render for these contacts (1–50; an unknown one is a 404); absent: for the newest `count` contacts, of " +
          "`segmentId` and/or `listId` when given.",
      ),
    segmentId: ZUuid.optional().describe(
      "Without `contactIds`: take the contacts from this segment (404 when it does not exist).",
    ),
    listId: ZUuid.optional().describe(
      "Without `contactIds`: take the contacts from this list (404 when it does not exist).",
    ),
    count: z
      .number()
      .int()
      .min(1)
      .max(50)
      .default(5)
      .describe("Without `contactIds`: how many contacts to render for (1–50, default 5)."),
    seed: z
      .union([z.string().max(100), z.number().int()])
      .optional()
      .describe(
        "The same seed gives the same variant and spintax choices per contact; absent: a fixed default seed, so " +
          "asking again gives the same renderings.",
      ),
    body: ZBody.optional().describe(
      "Text to preview instead of the stored template's body; required by POST …/templates/preview (400 without it).",
    ),
    variations: z
      .array(ZBody)
      .max(50)
      .optional()
      .describe(
        "Alternative wordings to preview (up to 50); absent: the stored template's own, or none for unsaved text.",
      ),
  })
  .meta({ id: "TemplatePreviewRequest", example: { count: 3, seed: "demo" } });

export const ZTemplatePreview = z
  .object({
    renderings: z
      .array(
        z.object({
          contactId: ZUuid.describe("The contact rendered for."),
          phone: z.string().describe("The contact's number (E.164)."),
          variant: z.number().int().describe("The wording it got (0: the body, 1…: the variations)."),
          text: z.string().describe("The text the contact would receive."),
          missing: z.array(z.string()).describe("Variables that had no value and no fallback (rendered as nothing)."),
        }),
      )
      .describe("The text as each contact would receive it."),
    variables: z.array(z.string()).describe("The variables the text uses."),
    combinations: z.array(z.number().int()).describe(`Distinct spintax renderings, ${VARIANTS_HELP}.`),
    warnings: z.array(ZTemplateWarning).describe("Problems found in the text."),
  })
  .meta({
    id: "TemplatePreview",
    example: {
      renderings: [
        {
          contactId: "5c9e2f0a-1b3d-4e5f-8a7b-6c5d4e3f2a1b",
          phone: "+5511999990001",
          variant: 0,
          text: "Oi Ana! *Novidade* para você em Recife.",
          missing: [],
        },
      ],
      variables: ["first_name", "cidade"],
      combinations: [2, 2],
      warnings: [
        {
          code: "unknown_variable",
          message: "{{cupom}} is neither a built-in variable nor a custom field of your contacts",
          variant: 1,
          variable: "cupom",
        },
      ],
    },
  });
