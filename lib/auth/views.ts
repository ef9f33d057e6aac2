/**
 * The JSON shapes of /api/auth/*, /api/team/* and /api/keys (and so of the settings page).
 * Dates are ISO strings. Imports nothing server-side (roles.ts is plain); the browser takes these
 * with `import type`, and tests/unit/query/dto-types.test.ts checks them against lib/auth.
 */
import type { Role } from "./roles";

export type { Role };

/** The signed-in identity: GET /api/auth/me and the sign-in / sign-up responses. */
export interface MeView {
  user: { id: string; email: string; name: string };
  team: { id: string; name: string };
  role: Role;
}

/** GET /api/team/members → { members }. */
export interface MemberView {
  /** The membership id (what PATCH/DELETE /api/team/members/:id take). */
  id: string;
  role: Role;
  joinedAt: string;
  user: { id: string; email: string; name: string };
}

/** GET /api/team/invites → { invites }: pending ones only. */
export interface InviteView {
  id: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
}

/** POST /api/team/invites → { invite }: the token is shown once. */
export interface CreatedInviteView {
  id: string;
  token: string;
  /** Absolute sign-up URL carrying ?invite=<token>. */
  url: string;
  expiresAt: string;
}

/** GET /api/keys → { keys }. */
export interface ApiKeyView {
  id: string;
  name: string;
  /** The first characters of the key, enough to recognise it. */
  prefix: string;
  role: Role;
  createdAt: string;
  /** After this the key is refused; null: it never expires. */
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** POST /api/keys: the key itself, shown once. */
export interface CreatedApiKeyView {
  key: string;
  apiKey: ApiKeyView;
}
