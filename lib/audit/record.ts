import "server-only";
import type { Principal } from "@/lib/auth/principal";
import type { PrismaClient } from "@/lib/db";
import { clientAddress } from "@/lib/http/client-address";
import type { AuditAction, AuditActorKind, AuditTargetKind } from "./actions";

/** Enough of a user agent to tell a browser from a script; the rest is noise (and unbounded). */
export const USER_AGENT_MAX = 200;
const LABEL_MAX = 254;

export type AuditValue =
  string | number | boolean | null | AuditValue[] | { [key: string]: AuditValue | undefined };
/** Absent (undefined) entries are left out. */
export type AuditDetails = { [key: string]: AuditValue | undefined };

/** Who acts, for which team, from where: built once per request. */
export interface AuditContext {
  /** null: no team (a failed sign-in for an unknown email). */
  teamId: string | null;
  actor: {
    kind: AuditActorKind;
    id: string | null;
    /** Email or key prefix; looked up in the same transaction when absent. */
    label?: string;
  };
  address: string;
  userAgent: string | null;
}

export interface AuditEventInput {
  action: AuditAction;
  target?: { kind: AuditTargetKind; id?: string | null; label?: string | null };
  details?: AuditDetails;
}

/** Where a request came from: the client address (trusted proxies only) and its user agent. */
export function auditOrigin(request: Request): Pick<AuditContext, "address" | "userAgent"> {
  const agent = request.headers.get("user-agent");
  return {
    address: clientAddress(request),
    userAgent: agent ? agent.slice(0, USER_AGENT_MAX) : null,
  };
}

/** The context of an authenticated request: its principal acts for its team. */
export function auditContext(request: Request, principal: Principal): AuditContext {
  return {
    ...auditOrigin(request),
    teamId: principal.teamId,
    actor:
      principal.kind === "user"
        ? { kind: "user", id: principal.userId }
        : { kind: "api-key", id: principal.apiKeyId },
  };
}

/**
 * Names that must never reach the log, even by mistake: a detail whose key looks like one is
 * dropped. The callers pass field names and counts, not values of this kind; this is the net.
 */
const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|^key$|authorization|prompt|^system$/i;

export function scrubDetails(details: AuditDetails): AuditDetails {
  const out: AuditDetails = {};
  for (const [key, value] of Object.entries(details)) {
    if (value === undefined || SECRET_KEY.test(key)) continue;
    out[key] =
      value !== null && typeof value === "object" && !Array.isArray(value)
        ? scrubDetails(value as AuditDetails)
        : value;
  }
  return out;
}

async function actorLabel(db: PrismaClient, actor: AuditContext["actor"]): Promise<string> {
  if (actor.label !== undefined) return actor.label;
  if (actor.kind === "user" && actor.id) {
    const user = await db.user.findUnique({ where: { id: actor.id }, select: { email: true } });
    return user?.email ?? actor.id;
  }
  if (actor.kind === "api-key" && actor.id) {
    const key = await db.apiKey.findUnique({ where: { id: actor.id }, select: { prefix: true } });
    return key ? `${key.prefix}…` : actor.id;
  }
  return "unknown";
}

/**
 * Appends one record. Pass the transaction of the action it describes (so neither happens
 * without the other); an action that is not transactional records right after it succeeded.
 */
export async function recordAudit(
  db: PrismaClient,
  context: AuditContext,
  event: AuditEventInput,
): Promise<void> {
  await db.auditEvent.create({
    data: {
      teamId: context.teamId,
      action: event.action,
      actorKind: context.actor.kind,
      actorId: context.actor.id,
      actorLabel: (await actorLabel(db, context.actor)).slice(0, LABEL_MAX),
      targetKind: event.target?.kind ?? null,
      targetId: event.target?.id ?? null,
      targetLabel: event.target?.label?.slice(0, LABEL_MAX) ?? null,
      details: scrubDetails(event.details ?? {}),
      address: context.address,
      userAgent: context.userAgent,
    },
  });
}

/**
 * Runs `action` and records what it did in one transaction: a failed action records nothing, and
 * a failed record undoes the action. `action` gets the transaction as its client, so it must not
 * open a transaction of its own (those take an audit hook instead, see `auditHook`).
 */
export async function audited<T>(
  prisma: PrismaClient,
  context: AuditContext,
  action: (tx: PrismaClient) => Promise<T>,
  describe: (result: T) => AuditEventInput,
): Promise<T> {
  return prisma.$transaction(async (txClient) => {
    // The transaction client is the client without $transaction/$connect; the callers use
    // models and raw queries only.
    const tx = txClient as unknown as PrismaClient;
    const result = await action(tx);
    await recordAudit(tx, context, describe(result));
    return result;
  });
}

/** Called by a transactional operation with its transaction and result, before it commits. */
export type AuditHook<T> = (tx: PrismaClient, result: T) => Promise<void>;

/** The hook for an operation that opens its own transaction (sign-up, member change, import). */
export function auditHook<T>(
  context: AuditContext | ((result: T) => AuditContext),
  describe: (result: T) => AuditEventInput,
): AuditHook<T> {
  return (tx, result) =>
    recordAudit(tx, typeof context === "function" ? context(result) : context, describe(result));
}
