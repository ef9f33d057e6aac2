import { AppError } from "@/lib/errors";

export type Role = "owner" | "admin" | "member";

const RANK: Record<Role, number> = { member: 1, admin: 2, owner: 3 };

/** Members run agents and read history; admins also manage agents, keys and the cache; owners also manage members. */
export function hasRole(actual: Role, required: Role): boolean {
  return RANK[actual] >= RANK[required];
}

export function requireRole(actual: Role, required: Role): void {
  if (!hasRole(actual, required)) {
    throw new AppError("forbidden", `this needs the ${required} role (you are ${actual})`);
  }
}

/** The weaker of two roles (a key never outranks the person who made it). */
export function lowerRole(a: Role, b: Role): Role {
  return RANK[a] <= RANK[b] ? a : b;
}
