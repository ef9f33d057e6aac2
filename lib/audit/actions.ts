/**
 * What the audit log records: every action and kind of target, with the words people read.
 * Plain data, no server code: the audit page shows these labels and filters by these names.
 */
export const AUDIT_ACTIONS = {
  "auth.sign-up": "Signed up",
  "auth.sign-in": "Signed in",
  "auth.sign-in-failed": "Failed sign-in",
  "auth.sign-out": "Signed out",
  "account.rename": "Changed their name",
  "account.password-change": "Changed their password",
  "key.create": "Created an API key",
  "key.revoke": "Revoked an API key",
  "invite.create": "Invited a member",
  "invite.revoke": "Withdrew an invite",
  "member.role-change": "Changed a member's role",
  "member.remove": "Removed a member",
  "agent.create": "Created an agent",
  "agent.update": "Edited an agent",
  "agent.delete": "Deleted an agent",
  "agent.import": "Imported agents",
  "run.delete": "Deleted a run",
  "cache.purge": "Purged the cache",
  "cache.warm": "Warmed the cache",
  "team.settings-change": "Changed team settings",
  /**
   * Reserved for budgets (not built yet): record it with `recordAudit` inside the transaction that
   * changes a team's, key's or agent's budget, target { kind: "budget", id, label }, details
   * { scope, from, to }.
   */
  "budget.change": "Changed a budget",
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;
export const AUDIT_ACTION_NAMES = Object.keys(AUDIT_ACTIONS) as [AuditAction, ...AuditAction[]];

export const AUDIT_TARGET_KINDS = {
  user: "User",
  member: "Member",
  "api-key": "API key",
  invite: "Invite",
  agent: "Agent",
  run: "Run",
  cache: "Cache",
  "warm-job": "Cache warming",
  team: "Team",
  budget: "Budget",
} as const;

export type AuditTargetKind = keyof typeof AUDIT_TARGET_KINDS;
export const AUDIT_TARGET_KIND_NAMES = Object.keys(AUDIT_TARGET_KINDS) as [
  AuditTargetKind,
  ...AuditTargetKind[],
];

/** Who acted: a signed-in person, a program with a key, or nobody proven (a failed sign-in). */
export type AuditActorKind = "user" | "api-key" | "anonymous";

/** One record as the API returns it (GET /api/audit, the JSON export). */
export interface AuditEventView {
  id: string;
  action: AuditAction;
  actor: { kind: AuditActorKind; id: string | null; label: string };
  target: { kind: AuditTargetKind; id: string | null; label: string | null } | null;
  details: Record<string, unknown>;
  address: string;
  userAgent: string | null;
  createdAt: string;
}

export interface AuditPage {
  events: AuditEventView[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}
