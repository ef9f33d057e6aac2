import "server-only";
import type { PubSub } from "@/lib/redis/pubsub";

const CANCEL_CHANNEL = "ensemble:run-cancel";

/**
 * Why a run stopped executing here without ending: it goes on in another process.
 * - `released`: this process is shutting down and handed the run's lease back.
 * - `lease-lost`: another process claimed the run (this one could not renew its lease in time).
 * The run's execution stops recording at once and writes nothing final (no cancelled steps, no
 * terminal status, no end event): the run is not over.
 */
export class RunHandedOff extends Error {
  override name = "RunHandedOff";
  constructor(readonly why: "released" | "lease-lost") {
    super(why === "released" ? "handed back at shutdown" : "claimed by another process");
  }
}

export const isHandedOff = (reason: unknown): reason is RunHandedOff =>
  reason instanceof RunHandedOff;

/**
 * The runs this process is executing: their abort controllers, a heartbeat that renews their
 * leases (and hands off the runs whose lease another process took), and cancellation that
 * reaches them from any instance — at once by pub/sub, and within a poll by the cancel the
 * database recorded, so a cancel sent while Redis is down is late, never lost.
 */
export interface ActiveRuns {
  /** Registers a run and returns the signal that cancels it. */
  register(runId: string): AbortSignal;
  unregister(runId: string): void;
  has(runId: string): boolean;
  ids(): string[];
  /** Cancels a run wherever it executes (through pub/sub; the caller records it durably first). */
  cancel(runId: string): Promise<void>;
  /** Stops a run executing here without ending it (RunHandedOff): it goes on elsewhere. */
  handOff(runId: string, why: RunHandedOff["why"]): void;
  /** Resolves when no run is executing here (tests, shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function createActiveRuns(options: {
  pubsub: PubSub;
  /**
   * Called every heartbeatMs with the ids of the runs executing here (it renews their leases);
   * returns the ids whose lease another process took, which are handed off at once.
   */
  heartbeat: (runIds: string[]) => Promise<string[] | void>;
  /** @default 10000 */
  heartbeatMs?: number;
  /** Which of the runs executing here a cancel was recorded for (polled every cancelPollMs). */
  cancelRequested?: (runIds: string[]) => Promise<string[]>;
  /** @default 2000 */
  cancelPollMs?: number;
}): Promise<ActiveRuns> {
  const controllers = new Map<string, AbortController>();
  let idleWaiters: Array<() => void> = [];

  const unsubscribe = await options.pubsub.subscribe(CANCEL_CHANNEL, (runId) => {
    controllers.get(runId)?.abort(new Error("cancelled"));
  });
  const timer = setInterval(() => {
    if (controllers.size === 0) return;
    void options
      .heartbeat([...controllers.keys()])
      .then((lost) => {
        for (const id of lost ?? []) controllers.get(id)?.abort(new RunHandedOff("lease-lost"));
      })
      // The database is down: the lease is not renewed, and the next beat tries again.
      .catch(() => {});
  }, options.heartbeatMs ?? 10_000);
  timer.unref?.();
  const cancelRequested = options.cancelRequested;
  const cancelPoll = cancelRequested
    ? setInterval(() => {
        if (controllers.size === 0) return;
        void cancelRequested([...controllers.keys()])
          .then((ids) => {
            for (const id of ids) controllers.get(id)?.abort(new Error("cancelled"));
          })
          // The database is down: the pub/sub path still works, and the next poll tries again.
          .catch(() => {});
      }, options.cancelPollMs ?? 2_000)
    : undefined;
  cancelPoll?.unref?.();

  return {
    register(runId) {
      const controller = new AbortController();
      controllers.set(runId, controller);
      return controller.signal;
    },
    unregister(runId) {
      controllers.delete(runId);
      if (controllers.size === 0) {
        for (const resolve of idleWaiters) resolve();
        idleWaiters = [];
      }
    },
    has: (runId) => controllers.has(runId),
    ids: () => [...controllers.keys()],
    async cancel(runId) {
      const local = controllers.get(runId);
      if (local) local.abort(new Error("cancelled"));
      else await options.pubsub.publish(CANCEL_CHANNEL, runId);
    },
    handOff(runId, why) {
      controllers.get(runId)?.abort(new RunHandedOff(why));
    },
    idle() {
      if (controllers.size === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    async close() {
      clearInterval(timer);
      clearInterval(cancelPoll);
      unsubscribe();
      // Not cancelled: the runs are handed back, and another process resumes them.
      for (const c of controllers.values()) c.abort(new RunHandedOff("released"));
    },
  };
}
