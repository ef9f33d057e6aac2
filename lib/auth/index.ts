export * from "./accounts";
export * from "./api-keys";
export { apiKeyFrom, assertSameOrigin, authenticate } from "./authenticate";
export { type Principal, principalId } from "./principal";
export { type Role, hasRole, requireRole } from "./roles";
export {
  SESSION_COOKIE,
  SESSION_TTL_MS,
  createSession,
  deleteSession,
  readCookie,
  sessionCookie,
} from "./sessions";
