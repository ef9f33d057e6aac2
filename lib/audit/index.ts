import "server-only";
export * from "./actions";
export { exportAuditEvents } from "./export";
export { listAuditEvents } from "./list";
export {
  type AuditContext,
  type AuditDetails,
  type AuditEventInput,
  type AuditHook,
  auditContext,
  auditHook,
  auditOrigin,
  audited,
  recordAudit,
} from "./record";
export { auditExportQuerySchema, auditListQuerySchema } from "./schemas";
export { recordFailedSignIn } from "./sign-in";
