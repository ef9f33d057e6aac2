import type { Role } from "@/lib/auth/roles";

export type { Role };

/** The signed-in identity, as GET /api/auth/me and the sign-in/sign-up responses return it. */
export interface Me {
  user: { id: string; email: string; name: string };
  team: { id: string; name: string };
  role: Role;
}

/** Browser-side copy of the role order in lib/auth/roles.ts (that module pulls in server error classes). */
const RANK: Record<Role, number> = { member: 1, admin: 2, owner: 3 };

export function hasRole(actual: Role, required: Role): boolean {
  return RANK[actual] >= RANK[required];
}

export const ROLES: readonly Role[] = ["member", "admin", "owner"];
