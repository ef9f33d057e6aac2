import "server-only";
import { Worker } from "node:worker_threads";
import { messages, type QueryOptions, type Results } from "@electric-sql/pglite";

/**
 * Embedded PGlite on its own thread (lib/db/pglite-worker.mjs), behind the methods of PGlite's
 * that this app uses: query, exec, transaction (with a transaction's query, exec and rollback),
 * waitReady and close. Prisma's PGlite adapter and the raw-SQL callers take it in PGlite's place.
 *
 * Why: PGlite is Postgres compiled to wasm and runs on the thread that calls it. Under gateway
 * load on the embedded defaults it was ~18 % of the server thread's busy time, in runs of 10–16
 * ms (a batch of request-log rows or cache writes) during which no request was answered — the
 * miss path's p99. Here that work runs beside the server thread, not on it.
 *
 * What crosses the thread boundary is data only. Query parsers are functions, so columns of the
 * types a caller parses itself come back as text and are parsed here; a Postgres error comes back
 * as its fields and is rebuilt as PGlite's own DatabaseError, which the adapter checks for.
 */
export class PGliteThread {
  readonly waitReady: Promise<void>;
  private readonly worker: Worker;
  private readonly pending = new Map<
    number,
    { resolve(v: unknown): void; reject(e: Error): void }
  >();
  private nextId = 1;
  private failure: Error | undefined;

  constructor(dataDir: string) {
    // The file beside this one. The build sees this pattern and emits the worker as its own chunk
    // (PGlite stays an external package there too); tests and scripts load the file as it is.
    this.worker = new Worker(new URL("./pglite-worker.mjs", import.meta.url), {
      workerData: { dataDir },
    });
    // Idle, the thread must not keep the process alive (a script that forgot close); a query in
    // flight does (see call).
    this.worker.unref();
    this.waitReady = new Promise((resolve, reject) => {
      const onMessage = (message: WorkerMessage) => {
        if ("ready" in message) return resolve();
        if ("failed" in message) return reject(rebuildError(message.failed));
        this.settle(message);
      };
      this.worker.on("message", onMessage);
      this.worker.once("error", (error) => {
        this.fail(error);
        reject(error);
      });
      this.worker.once("exit", (code) => {
        const error = new Error(`the embedded database's thread exited (code ${code})`);
        this.fail(error);
        reject(error);
      });
    });
    // Whoever opens the database awaits waitReady; this keeps an early failure from being
    // reported as unhandled as well.
    this.waitReady.catch(() => {});
  }

  query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> {
    return this.runQuery<T>(undefined, sql, params, options);
  }

  async exec(sql: string, options?: QueryOptions): Promise<Results[]> {
    return (await this.call({ op: "exec", sql, options: wireOptions(options) })) as Results[];
  }

  /** PGlite's transaction: commits when `callback` resolves, rolls back when it rejects. */
  async transaction<T>(callback: (tx: ThreadTransaction) => Promise<T>): Promise<T> {
    const id = (await this.call({ op: "begin" })) as number;
    const tx = new ThreadTransaction(this, id);
    let result: T;
    try {
      result = await callback(tx);
    } catch (error) {
      await this.call({ op: "end", tx: id, commit: false }).catch(() => {});
      throw error;
    }
    await this.call({ op: "end", tx: id, commit: true });
    return result;
  }

  async close(): Promise<void> {
    if (this.failure) return;
    await this.call({ op: "close" });
    await this.worker.terminate();
  }

  /** @internal a statement on the database or, with `tx`, on an open transaction. */
  async runQuery<T>(
    tx: number | undefined,
    sql: string,
    params: unknown[] | undefined,
    options: QueryOptions | undefined,
  ): Promise<Results<T>> {
    const results = (await this.call({
      op: "query",
      tx,
      sql,
      params,
      options: wireOptions(options),
    })) as Results<T>;
    if (options?.parsers) parseTextColumns(results, options);
    return results;
  }

  /** @internal */
  call(message: Record<string, unknown>): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id });
    });
  }

  private settle(message: { id: number; result?: unknown; error?: ErrorData }): void {
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    if (this.pending.size === 0) this.worker.unref();
    if (message.error) waiter.reject(rebuildError(message.error));
    else waiter.resolve(message.result);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.pending.values()) waiter.reject(this.failure);
    this.pending.clear();
  }
}

/** An open transaction on the database's thread: PGlite's Transaction, as far as it is used. */
export class ThreadTransaction {
  constructor(
    private readonly db: PGliteThread,
    private readonly id: number,
  ) {}

  query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> {
    return this.db.runQuery<T>(this.id, sql, params, options);
  }

  async exec(sql: string, options?: QueryOptions): Promise<Results[]> {
    return (await this.db.call({
      op: "exec",
      tx: this.id,
      sql,
      options: wireOptions(options),
    })) as Results[];
  }

  async rollback(): Promise<void> {
    await this.db.call({ op: "rollback", tx: this.id });
  }
}

type ErrorData = { name: string; message: string; databaseError?: boolean } & Record<
  string,
  string | number | boolean
>;
type WorkerMessage =
  { ready: true } | { failed: ErrorData } | { id: number; result?: unknown; error?: ErrorData };

/** Options as data: a parser map becomes the list of types to send back as text. */
function wireOptions(options: QueryOptions | undefined): Record<string, unknown> | undefined {
  if (!options) return undefined;
  const { parsers, onNotice: _onNotice, blob: _blob, serializers: _serializers, ...rest } = options;
  return parsers ? { ...rest, textTypes: Object.keys(parsers).map(Number) } : rest;
}

/** Runs the caller's parsers over the columns that came back as text (null stays null). */
function parseTextColumns(results: Results<unknown>, options: QueryOptions): void {
  const parsers = options.parsers ?? {};
  const columns = results.fields.flatMap((field, index) => {
    // PGlite calls a parser with the type's id too, though its type declares only the value.
    const parse = parsers[field.dataTypeID] as
      ((value: string, type: number) => unknown) | undefined;
    return parse ? [{ index, name: field.name, type: field.dataTypeID, parse }] : [];
  });
  if (columns.length === 0) return;
  const arrays = options.rowMode === "array";
  for (const row of results.rows as Record<string | number, unknown>[]) {
    for (const column of columns) {
      const at = arrays ? column.index : column.name;
      const value = row[at];
      if (value !== null && value !== undefined)
        row[at] = column.parse(value as string, column.type);
    }
  }
}

function rebuildError(data: ErrorData): Error {
  const { databaseError, name, message, ...fields } = data;
  if (databaseError) {
    const length = typeof fields.length === "number" ? fields.length : 0;
    const error = new messages.DatabaseError(message, length, name as messages.MessageName);
    return Object.assign(error, fields);
  }
  const error = new Error(message);
  error.name = name;
  return Object.assign(error, fields);
}
