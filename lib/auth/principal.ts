import type { Role } from "./roles";

/** Who is calling, as every route sees it after the guard. All data access is scoped to teamId. */
export type Principal =
  | {
      /** A signed-in person (session cookie). */
      kind: "user";
      userId: string;
      teamId: string;
      role: Role;
      sessionId: string;
    }
  | {
      /** A program with an API key. */
      kind: "api-key";
      apiKeyId: string;
      teamId: string;
      role: Role;
    };

/** The identity rate limits count against. */
export function principalId(p: Principal): string {
  return p.kind === "user" ? `user:${p.userId}` : `key:${p.apiKeyId}`;
}
