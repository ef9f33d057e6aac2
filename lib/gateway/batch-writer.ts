import "server-only";

/** Counters of a batch writer, for logs, metrics and tests. */
export interface BatchWriterStats {
  /** Rows written. */
  written: number;
  /** Rows dropped: refused by the store on their own (bisected out), or over `maxBuffer`. */
  dropped: number;
  /** Rows waiting to be written. */
  pending: number;
}

export interface BatchWriter<T> {
  /** Queues a row; never blocks, never throws. */
  write(row: T): void;
  /** Writes everything queued so far (rows queued during the flush included). */
  flush(): Promise<void>;
  /** Stops the timer and flushes what is left. */
  close(): Promise<void>;
  stats(): BatchWriterStats;
}

export interface BatchWriterOptions<T> {
  /** Writes rows in one statement; all or nothing. */
  insert(rows: T[]): Promise<void>;
  /**
   * Whether a failed insert was refused because of the rows' content (a bad value, a broken
   * foreign key): then the batch is bisected to find and drop the bad rows. Any other failure
   * (the store is down) keeps every row for a later attempt.
   */
  isRowError(error: unknown): boolean;
  /** Called once per dropped row: log it (the row itself may hold the bad value). */
  onDrop(reason: "rejected" | "overflow", error: unknown, count: number): void;
  /** Called when the store failed and the rows wait for a retry. */
  onStoreError?(error: unknown, pending: number): void;
  /** Delay between the first queued row and its write. @default 200 */
  flushMs?: number;
  /** Rows per insert. @default 100 */
  maxBatch?: number;
  /** Past this many queued rows (a long store outage) the oldest are dropped. @default 20_000 */
  maxBuffer?: number;
  /** Delay before retrying after the store failed. @default 5_000 */
  retryMs?: number;
}

/** The store failed (not the rows): `rows` are those not yet written, in order. */
class StoreFailure extends Error {
  constructor(
    readonly rows: unknown[],
    readonly error: unknown,
  ) {
    super("store failure");
  }
}

/**
 * Rows written after the answer, in batches, off the request path. One bad row never blocks the
 * others: a batch the store refuses for its content is split in halves until the bad rows stand
 * alone, and those alone are dropped (counted and logged) — about 2·log2(batch) extra inserts per
 * bad row. A store outage keeps the rows (up to `maxBuffer`) and retries later.
 */
export function createBatchWriter<T>(options: BatchWriterOptions<T>): BatchWriter<T> {
  const flushMs = options.flushMs ?? 200;
  const maxBatch = options.maxBatch ?? 100;
  const maxBuffer = options.maxBuffer ?? 20_000;
  const retryMs = options.retryMs ?? 5_000;
  let rows: T[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const counts = { written: 0, dropped: 0 };

  const schedule = (ms: number) => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, ms);
    timer.unref?.();
  };

  async function drain(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    for (let first = true; rows.length > 0; first = false) {
      // Between batches, requests go first: an embedded database runs each statement on this
      // thread, and a long flush written as one statement held every request for 30–50 ms.
      if (!first) await new Promise((resolve) => setImmediate(resolve));
      const batch = rows.splice(0, maxBatch);
      try {
        await writeIsolating(options, batch, counts);
      } catch (error) {
        if (!(error instanceof StoreFailure)) throw error;
        rows = [...(error.rows as T[]), ...rows];
        options.onStoreError?.(error.error, rows.length);
        schedule(retryMs);
        return;
      }
    }
  }

  /** One flush at a time; a flush asked for while one runs waits for it and then drains again. */
  function flush(): Promise<void> {
    const next = (running ?? Promise.resolve()).then(drain);
    const settled = next.finally(() => {
      if (running === settled) running = undefined;
    });
    running = settled;
    return settled;
  }

  return {
    write(row) {
      rows.push(row);
      if (rows.length > maxBuffer) {
        const overflow = rows.length - maxBuffer;
        rows.splice(0, overflow);
        counts.dropped += overflow;
        options.onDrop("overflow", undefined, overflow);
      }
      if (rows.length >= maxBatch && !running) void flush();
      else schedule(flushMs);
    },
    flush,
    async close() {
      clearTimeout(timer);
      timer = undefined;
      await flush();
      clearTimeout(timer);
      timer = undefined;
    },
    stats: () => ({ ...counts, pending: rows.length }),
  };
}

/** Writes one batch, bisecting around rows the store refuses; throws StoreFailure. */
async function writeIsolating<T>(
  options: BatchWriterOptions<T>,
  batch: T[],
  counts: { written: number; dropped: number },
): Promise<void> {
  const stack: T[][] = [batch];
  while (stack.length > 0) {
    const segment = stack.pop()!;
    try {
      await options.insert(segment);
      counts.written += segment.length;
    } catch (error) {
      if (!options.isRowError(error)) {
        throw new StoreFailure([...segment, ...stack.reverse().flat()], error);
      }
      if (segment.length === 1) {
        counts.dropped++;
        options.onDrop("rejected", error, 1);
        continue;
      }
      const half = Math.ceil(segment.length / 2);
      stack.push(segment.slice(half), segment.slice(0, half));
    }
  }
}
