import type { ZTemplate, ZTemplatePreview, ZTemplateWarning } from "@mirage/contracts/templates";
import type { z } from "zod";

export type TTemplateDto = z.infer<typeof ZTemplate>;
export type TTemplatePreviewDto = z.infer<typeof ZTemplatePreview>;
export type TTemplateWarningDto = z.infer<typeof ZTemplateWarning>;
export type TTemplatePreviewInput = {
  body: string;
  variations: string[];
  contactId: string | null;
  seed: number;
};
