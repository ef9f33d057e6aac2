export { createTemplateSchema, MAX_TEMPLATE_NAME_CHARS } from "./template-schema";
export type * from "./template-view";
export { createTemplate, deleteTemplate, getTemplateOrThrow, listTemplates } from "./templates";
