export { createImportContactsProcessor } from "./import-contacts.processor.ts";
export { importRoutes } from "./imports.routes.ts";
export { guessMapping, normalizeHeader } from "./mapping.ts";
export { refusalError, sniffCsv } from "./sniff.ts";
export { readHead } from "./upload.ts";
