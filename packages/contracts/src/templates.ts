import { z } from "zod";
import { ZUuid } from "./common.ts";

const ZTimestamp = z.iso.datetime({ offset: true });

export const ZTemplateParams = z.strictObject({ orgId: ZUuid, templateId: ZUuid });

export const ZTemplateWarning = z.object({
  code: z.string(),
  message: z.string(),
  variant: z.number().int().optional(),
  variable: z.string().optional(),
  other: z.number().int().optional(),
  similarity: z.number().optional(),
});

export const ZTemplate = z
  .object({
    id: ZUuid,
    name: z.string(),
    body: z.string(),
    /** Alternative wordings; each recipient gets the body or one of these. */
    variations: z.array(z.string()),
    variables: z.array(z.string()),
    warnings: z.array(ZTemplateWarning),
    createdAt: ZTimestamp,
    updatedAt: ZTimestamp,
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
export const ZCreateTemplateRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    body: ZBody,
    variations: z.array(ZBody).max(50).optional(),
  })
  .meta({ id: "CreateTemplateRequest", example: { name: "Boas-vindas", body: "{Olá|Oi} {{first_name|cliente}}!" } });
export const ZUpdateTemplateRequest = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  body: ZBody.optional(),
  variations: z.array(ZBody).max(50).optional(),
});

export const ZTemplatePreviewRequest = z
  .strictObject({
    /** Render for these contacts; else for the first `count` contacts (of `segmentId` or `listId` when given). */
    contactIds: z.array(ZUuid).min(1).max(50).optional(),
    segmentId: ZUuid.optional(),
    listId: ZUuid.optional(),
    count: z.number().int().min(1).max(50).default(5),
    /** Same seed, same renderings. */
    seed: z.union([z.string().max(100), z.number().int()]).optional(),
    /** Preview unsaved text instead of the stored template (POST …/templates/preview). */
    body: ZBody.optional(),
    variations: z.array(ZBody).max(50).optional(),
  })
  .meta({ id: "TemplatePreviewRequest", example: { count: 3, seed: "demo" } });

export const ZTemplatePreview = z
  .object({
    renderings: z.array(
      z.object({
        contactId: ZUuid,
        phone: z.string(),
        variant: z.number().int(),
        text: z.string(),
        missing: z.array(z.string()),
      }),
    ),
    variables: z.array(z.string()),
    combinations: z.array(z.number().int()),
    warnings: z.array(ZTemplateWarning),
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
