import "server-only";
import type { PrismaClient } from "@/lib/db";
import type { Logger } from "@/lib/log";
import type { RetentionPolicy, SweepCounts } from "./policy";
import { sweepRetention } from "./sweep";

/**
 * Sweeps every `intervalMs` (the first one a minute after start: a fresh process has better
 * things to do first). Every instance schedules it; the sweep's advisory lock lets one run.
 */
export function scheduleRetention(args: {
  prisma: PrismaClient;
  policy: RetentionPolicy;
  intervalMs: number;
  log: Logger;
  /** Told what each sweep removed (metrics). */
  onSwept?: (counts: SweepCounts) => void;
}): { close(): Promise<void> } {
  const { prisma, policy, intervalMs, log } = args;
  let sweeping: Promise<void> = Promise.resolve();
  const sweep = () => {
    sweeping = sweepRetention(prisma, policy)
      .then((counts) => {
        if (!counts) return;
        log.info("retention sweep", { ...counts });
        args.onSwept?.(counts);
      })
      .catch((e: unknown) => log.warn(`retention sweep failed: ${(e as Error).message}`));
  };
  const first = setTimeout(sweep, Math.min(60_000, intervalMs));
  const every = setInterval(sweep, intervalMs);
  first.unref?.();
  every.unref?.();
  return {
    async close() {
      clearTimeout(first);
      clearInterval(every);
      await sweeping;
    },
  };
}
