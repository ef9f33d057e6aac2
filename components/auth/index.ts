export { AuthGate } from "./auth-gate";
export { RequireRole } from "./require-role";
export { SignInForm } from "./sign-in-form";
export { SignUpForm } from "./sign-up-form";
export { safeNext } from "./safe-next";
export { ME_QUERY_KEY, useHasRole, useMe, useSetMe } from "./use-me";
export { hasRole, type Me, type Role } from "./types";
export { postSignOut } from "./auth-api";
