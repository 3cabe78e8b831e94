export { createImportContactsProcessor } from "./import-contacts.processor.ts";
export { importRoutes } from "./imports.routes.ts";
