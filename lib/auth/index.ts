export * from "./accounts";
export * from "./api-keys";
export * from "./team";
export { apiKeyFrom, assertSameOrigin, authenticate, authenticateApiKey } from "./authenticate";
export { type Principal, principalId } from "./principal";
export { type Role, hasRole, requireRole } from "./roles";
export {
  SESSION_COOKIE,
  SESSION_TTL_MS,
  createSession,
  deleteAllSessionsOf,
  deleteSession,
  purgeExpiredSessions,
  readCookie,
  sessionCookie,
} from "./sessions";
export {
  changePassword,
  changePasswordSchema,
  renameUser,
  updateAccountSchema,
} from "./account-settings";
