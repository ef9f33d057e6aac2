import "server-only";
import type { PrismaClient } from "@/lib/db";
import type { AuditEvent } from "@/lib/db/generated/client";
import { AppError } from "@/lib/errors";
import type {
  AuditAction,
  AuditActorKind,
  AuditEventView,
  AuditPage,
  AuditTargetKind,
} from "./actions";
import type { AuditFilters } from "./schemas";

function whereOf(teamId: string, f: AuditFilters) {
  return {
    // Always one team: rows of no team (failed sign-ins for unknown emails) match no caller.
    teamId,
    action: f.action,
    targetKind: f.targetKind,
    // An id, an email, or a key prefix as typed (the label shows it with a trailing "…").
    ...(f.actor
      ? {
          OR: [{ actorId: f.actor }, { actorLabel: { in: [f.actor, `${f.actor}…`] } }],
        }
      : {}),
    ...(f.since || f.until ? { createdAt: { gte: f.since, lte: f.until } } : {}),
  };
}

/** Newest first; the id breaks ties between rows of the same millisecond. */
const ORDER = [{ createdAt: "desc" as const }, { id: "desc" as const }];

/**
 * Keyset position after `row`, for the next page. The redundant `lte` gives the index scan a
 * start: without it Postgres reads from the newest row down to the cursor (measured: 720 ms
 * instead of 0.35 ms, 150,000 rows into a 200,000-row team).
 */
function after(row: { createdAt: Date; id: string }) {
  return {
    createdAt: { lte: row.createdAt },
    OR: [{ createdAt: { lt: row.createdAt } }, { createdAt: row.createdAt, id: { lt: row.id } }],
  };
}

export function toAuditView(row: AuditEvent): AuditEventView {
  return {
    id: row.id,
    action: row.action as AuditAction,
    actor: { kind: row.actorKind as AuditActorKind, id: row.actorId, label: row.actorLabel },
    target: row.targetKind
      ? { kind: row.targetKind as AuditTargetKind, id: row.targetId, label: row.targetLabel }
      : null,
    details: (row.details ?? {}) as Record<string, unknown>,
    address: row.address,
    userAgent: row.userAgent,
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * One page of the team's audit log, newest first. A cursor is the last id of the previous page,
 * and only this team's ids are cursors: another team's id is refused like a made-up one.
 */
export async function listAuditEvents(args: {
  prisma: PrismaClient;
  teamId: string;
  filters: AuditFilters;
  cursor?: string;
  limit: number;
}): Promise<AuditPage> {
  const { prisma, teamId, limit } = args;
  let position = {};
  if (args.cursor) {
    const row = await prisma.auditEvent.findFirst({
      where: { id: args.cursor, teamId },
      select: { id: true, createdAt: true },
    });
    if (!row) {
      throw new AppError("validation_failed", "cursor: not a cursor from this list", {
        field: "cursor",
      });
    }
    position = after(row);
  }
  const rows = await prisma.auditEvent.findMany({
    where: { AND: [whereOf(teamId, args.filters), position] },
    orderBy: ORDER,
    take: limit + 1,
  });
  const page = rows.slice(0, limit);
  return {
    events: page.map(toAuditView),
    nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
  };
}

/**
 * Every matching record, newest first, a page at a time: an export of any size holds one page
 * in memory.
 */
export async function* iterateAuditEvents(args: {
  prisma: PrismaClient;
  teamId: string;
  filters: AuditFilters;
  pageSize?: number;
}): AsyncGenerator<AuditEventView[]> {
  const take = args.pageSize ?? 500;
  let last: { createdAt: Date; id: string } | null = null;
  for (;;) {
    const rows: AuditEvent[] = await args.prisma.auditEvent.findMany({
      where: { AND: [whereOf(args.teamId, args.filters), last ? after(last) : {}] },
      orderBy: ORDER,
      take,
    });
    if (rows.length > 0) yield rows.map(toAuditView);
    if (rows.length < take) return;
    last = rows.at(-1)!;
  }
}
