import "server-only";
import type { SqlQuery } from "@/lib/db";
import { selectServed } from "./l2-sql";
import type { ServedEntry } from "./l2-store";

interface Caller {
  resolve(entry: ServedEntry | null): void;
  reject(error: unknown): void;
}

/**
 * L2 point reads, gathered: every key asked for in one turn of the event loop is read by one
 * statement. Concurrent misses arrive together (a burst of requests, the sockets the poll phase
 * found readable), and each read of its own cost a round trip's CPU on both sides — the client's
 * query and result handling, the server's parse and plan, a socket write that wakes the other.
 * A key asked for twice in one turn is read once. A failed read fails every caller of its turn.
 */
export function batchedServedReader(sql: SqlQuery): (key: string) => Promise<ServedEntry | null> {
  let waiting: Map<string, Caller[]> | undefined;

  const flush = async (batch: Map<string, Caller[]>) => {
    try {
      const rows = await selectServed(sql, [...batch.keys()]);
      for (const [key, callers] of batch) for (const c of callers) c.resolve(rows.get(key) ?? null);
    } catch (error) {
      for (const callers of batch.values()) for (const c of callers) c.reject(error);
    }
  };

  return (key) => {
    if (waiting === undefined) {
      const batch = new Map<string, Caller[]>();
      waiting = batch;
      // After the poll phase: the turn's other requests have asked by then.
      setImmediate(() => {
        waiting = undefined;
        void flush(batch);
      });
    }
    const batch = waiting;
    return new Promise<ServedEntry | null>((resolve, reject) => {
      const callers = batch.get(key);
      if (callers) callers.push({ resolve, reject });
      else batch.set(key, [{ resolve, reject }]);
    });
  };
}
