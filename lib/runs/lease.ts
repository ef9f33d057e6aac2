import "server-only";
import type { PrismaClient } from "@/lib/db";

/**
 * A run's lease lives on its row: `ownerId` is the process executing it, `heartbeatAt` when that
 * process last renewed it. The owner renews every few seconds; a lease that went unrenewed past
 * the expiry (the owner crashed, was killed, or handed it back with heartbeatAt = null) may be
 * claimed by any process, with a compare-and-set on the heartbeat it read, so exactly one wins.
 */

/** The run columns the lease functions read and write: the seam unit tests fill with a fake. */
export interface LeaseStore {
  run: {
    updateMany(args: {
      where: object;
      data: { ownerId?: string | null; heartbeatAt?: Date | null };
    }): PromiseLike<{ count: number }>;
    findMany(args: {
      where: object;
      select: { id: true; ownerId: true };
    }): PromiseLike<{ id: string; ownerId: string | null }[]>;
  };
}

/** A run whose lease expired, as the claim loop read it. */
export interface ExpiredLease {
  id: string;
  /** The heartbeat read: the claim succeeds only if the row still carries it. */
  heartbeatAt: Date | null;
  createdAt: Date;
  startedAt: Date | null;
}

const UNFINISHED = ["queued", "running"] as const;

/** Runs in queued/running whose lease expired (or was handed back), oldest first. */
export async function findExpiredLeases(args: {
  prisma: PrismaClient;
  expiryMs: number;
  /** Runs this process executes: never claimed from itself, whatever their heartbeat says. */
  exclude: string[];
  now?: Date;
  /** @default 50 */
  limit?: number;
}): Promise<ExpiredLease[]> {
  const now = args.now ?? new Date();
  const cutoff = new Date(now.getTime() - args.expiryMs);
  return args.prisma.run.findMany({
    where: {
      status: { in: [...UNFINISHED] },
      id: { notIn: args.exclude },
      OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: cutoff } }],
    },
    select: { id: true, heartbeatAt: true, createdAt: true, startedAt: true },
    orderBy: { createdAt: "asc" },
    take: args.limit ?? 50,
  });
}

/**
 * Takes an expired lease: one conditional UPDATE that matches only while the row still carries
 * the heartbeat the claimer read, so of two processes claiming the same run exactly one wins.
 * Returns whether this process now owns the run.
 */
export async function claimRun(
  db: LeaseStore,
  args: { runId: string; staleHeartbeatAt: Date | null; instanceId: string; now?: Date },
): Promise<boolean> {
  const { count } = await db.run.updateMany({
    where: {
      id: args.runId,
      status: { in: [...UNFINISHED] },
      heartbeatAt: args.staleHeartbeatAt,
    },
    data: { ownerId: args.instanceId, heartbeatAt: args.now ?? new Date() },
  });
  return count === 1;
}

/**
 * Renews the leases this process holds. Returns the ids whose lease it lost: their row is owned
 * by another process now (it claimed the run after this one failed to renew, e.g. through a long
 * database outage) and this process must stop executing them without writing anything final.
 * A run that ended (owner cleared) is not reported: it is no longer anybody's.
 */
export async function renewLeases(
  db: LeaseStore,
  args: { runIds: string[]; instanceId: string; now?: Date },
): Promise<string[]> {
  if (args.runIds.length === 0) return [];
  const { count } = await db.run.updateMany({
    where: { id: { in: args.runIds }, ownerId: args.instanceId },
    data: { heartbeatAt: args.now ?? new Date() },
  });
  if (count === args.runIds.length) return [];
  const rows = await db.run.findMany({
    where: { id: { in: args.runIds } },
    select: { id: true, ownerId: true },
  });
  return rows.filter((r) => r.ownerId !== null && r.ownerId !== args.instanceId).map((r) => r.id);
}

/**
 * Hands runs back (shutdown): their lease is cleared, so any process claims them at its next
 * pass instead of waiting for the lease to expire. Only rows this process still owns.
 */
export async function releaseLeases(
  db: LeaseStore,
  args: { runIds: string[]; instanceId: string },
): Promise<number> {
  if (args.runIds.length === 0) return 0;
  const { count } = await db.run.updateMany({
    where: { id: { in: args.runIds }, ownerId: args.instanceId, status: { in: [...UNFINISHED] } },
    data: { ownerId: null, heartbeatAt: null },
  });
  return count;
}
