import type { Role } from "@/components/auth/types";

export interface Member {
  /** The membership id (what PATCH/DELETE /api/team/members/:id take). */
  id: string;
  role: Role;
  joinedAt: string;
  user: { id: string; email: string; name: string };
}

export interface PendingInvite {
  id: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
}

export interface CreatedInvite {
  id: string;
  token: string;
  /** Absolute sign-up URL carrying ?invite=<token>. */
  url: string;
  expiresAt: string;
}

export interface ApiKey {
  id: string;
  name: string;
  /** The first characters of the key, enough to recognise it. */
  prefix: string;
  role: Role;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
