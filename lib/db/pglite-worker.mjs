// The embedded database's own thread: PGlite (Postgres compiled to wasm) runs here, so that its
// CPU — every query's parse, plan and execute, and the batched writes that took 10–16 ms at a
// time — is not spent on the thread that answers HTTP requests. The main thread talks to it
// through lib/db/pglite-thread.ts, which gives Prisma's adapter and the raw-SQL callers the same
// methods PGlite has. Plain JavaScript: a worker thread loads this file as it is, with no
// bundler between (server.mjs serves a Next build; the tests run TypeScript).
//
// Messages in: { id, op, ... } with op one of query, exec, begin, end, rollback, close.
// Messages out: { id, result } or { id, error }, and { ready: true } or { failed } once at start.
import v8 from "node:v8";
import vm from "node:vm";
import { parentPort, workerData } from "node:worker_threads";
import { messages, PGlite } from "@electric-sql/pglite";

/** Columns the caller parses itself come back as Postgres sent them (text). */
const asText = (value) => value;

/** An error as plain data: a Postgres error's fields (code, detail, …) survive the crossing. */
function errorData(error) {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const data = { name: error.name, message: error.message };
  for (const [field, value] of Object.entries(error)) {
    if (["string", "number", "boolean"].includes(typeof value)) data[field] = value;
  }
  data.databaseError = error instanceof messages.DatabaseError;
  return data;
}

function queryOptions(options) {
  if (!options) return undefined;
  const { textTypes, ...rest } = options;
  if (!textTypes?.length) return rest;
  return { ...rest, parsers: Object.fromEntries(textTypes.map((oid) => [oid, asText])) };
}

/**
 * Opening a database (initdb on a new data directory above all) leaves a few hundred MB of wasm
 * memory behind, unreachable but uncollected: this thread allocates little when idle, so its
 * heap would keep it until load came (measured: RSS 808 MB on a new directory, 486 MB once
 * collected). A full collection a moment after opening, once PGlite has let go, gives it back.
 */
function collectStartupGarbage() {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc");
  v8.setFlagsFromString("--no-expose-gc");
  setTimeout(gc, 3_000);
}

let db;
/** Open transactions by id: the PGlite transaction and how to end its callback. */
const transactions = new Map();
/** Each transaction's outcome, until its end message awaits it. */
const settled = new Map();
let nextTransactionId = 1;

/** The session a message runs on: an open transaction's, or the database's own. */
function sessionOf(message) {
  if (message.tx === undefined) return db;
  const open = transactions.get(message.tx);
  if (!open) throw new Error(`transaction ${message.tx} is not open`);
  return open.tx;
}

async function handle(message) {
  switch (message.op) {
    case "query":
      return sessionOf(message).query(message.sql, message.params, queryOptions(message.options));
    case "exec":
      return sessionOf(message).exec(message.sql, queryOptions(message.options));
    case "begin": {
      const id = nextTransactionId++;
      return new Promise((started, failedToStart) => {
        // PGlite commits when the callback resolves and rolls back when it rejects: the callback
        // waits for the caller's end message, which says which.
        const done = db.transaction(
          (tx) =>
            new Promise((commit, abort) => {
              transactions.set(id, { tx, commit, abort });
              started(id);
            }),
        );
        const forget = () => transactions.delete(id);
        done.then(forget, forget);
        settled.set(id, done);
        // Only a transaction that never started rejects before its end message.
        done.catch(failedToStart);
      });
    }
    case "rollback":
      return sessionOf(message).rollback();
    case "end": {
      const open = transactions.get(message.tx);
      const done = settled.get(message.tx);
      settled.delete(message.tx);
      if (open && message.commit) open.commit();
      else open?.abort(new Error("the transaction's caller failed"));
      await done;
      return null;
    }
    case "close":
      await db.close();
      return null;
    default:
      throw new Error(`unknown operation ${message.op}`);
  }
}

try {
  db = new PGlite(workerData.dataDir);
  await db.waitReady;
  collectStartupGarbage();
  parentPort.postMessage({ ready: true });
} catch (error) {
  parentPort.postMessage({ failed: errorData(error) });
}

parentPort.on("message", (message) => {
  handle(message).then(
    (result) => parentPort.postMessage({ id: message.id, result }),
    (error) => parentPort.postMessage({ id: message.id, error: errorData(error) }),
  );
});
