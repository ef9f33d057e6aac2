import "server-only";
import type { Logger } from "@/lib/log";

/**
 * What a process has started, and how to stop each part, in the reverse of the order they were
 * started: a part is stopped before anything it depends on (the request log before the database,
 * the database before the Redis client it was built after).
 */
export interface CloseStack {
  /** Registers how to stop the part that was just started. */
  defer(name: string, close: () => unknown): void;
  /**
   * Stops every part, the last started first. A part that fails to stop is logged and does not
   * keep the others running; the failures are thrown together at the end. Runs once: later calls
   * return the first call's promise.
   */
  close(): Promise<void>;
}

export function createCloseStack(log: Pick<Logger, "warn">): CloseStack {
  const parts: { name: string; close: () => unknown }[] = [];
  let closing: Promise<void> | undefined;

  const closeAll = async () => {
    const failures: unknown[] = [];
    for (const part of parts.reverse()) {
      try {
        await part.close();
      } catch (error) {
        failures.push(error);
        log.warn(`closing ${part.name} failed: ${(error as Error).message}`);
      }
    }
    if (failures.length > 0) throw new AggregateError(failures, "some parts failed to close");
  };

  return {
    defer(name, close) {
      if (closing) throw new Error(`cannot start ${name}: the runtime is closing`);
      parts.push({ name, close });
    },
    close() {
      closing ??= closeAll();
      return closing;
    },
  };
}
