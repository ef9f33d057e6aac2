import type { MeView, Role } from "@/lib/auth/views";

export type { Role };

/** The signed-in identity, as GET /api/auth/me and the sign-in/sign-up responses return it. */
export type Me = MeView;

/**
 * The role order of lib/auth/roles.ts, for the browser: that module's requireRole throws the
 * server's AppError, which the bundle should not carry. A unit test keeps the two in step.
 */
const RANK: Record<Role, number> = { member: 1, admin: 2, owner: 3 };

/** Members run agents and read history; admins also manage agents, keys and the cache; owners also manage members. */
export function hasRole(actual: Role, required: Role): boolean {
  return RANK[actual] >= RANK[required];
}

export const ROLES: readonly Role[] = ["member", "admin", "owner"];
