import "server-only";
import type { PubSub } from "@/lib/redis/pubsub";

const CANCEL_CHANNEL = "ensemble:run-cancel";

/**
 * The runs this process is executing: their abort controllers, a heartbeat that tells other
 * instances they are alive, and cancellation that reaches them from any instance — at once by
 * pub/sub, and within a poll by the cancel the database recorded, so a cancel sent while Redis
 * is down is late, never lost.
 */
export interface ActiveRuns {
  /** Registers a run and returns the signal that cancels it. */
  register(runId: string): AbortSignal;
  unregister(runId: string): void;
  has(runId: string): boolean;
  ids(): string[];
  /** Cancels a run wherever it executes (through pub/sub; the caller records it durably first). */
  cancel(runId: string): Promise<void>;
  /** Resolves when no run is executing here (tests, shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function createActiveRuns(options: {
  pubsub: PubSub;
  /** Called every heartbeatMs with the ids of the runs executing here. */
  heartbeat: (runIds: string[]) => Promise<void>;
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
    if (controllers.size > 0) void options.heartbeat([...controllers.keys()]).catch(() => {});
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
    idle() {
      if (controllers.size === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    async close() {
      clearInterval(timer);
      clearInterval(cancelPoll);
      unsubscribe();
      for (const c of controllers.values()) c.abort(new Error("shutting down"));
    },
  };
}
