import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";

/**
 * What every log line of one piece of work carries: the request's id, and the run and step it
 * serves. Set where the work starts (the route wrapper, the gateway front, a run's executor) and
 * read by the logger, so no caller passes ids down by hand.
 */
export interface LogContext {
  requestId?: string;
  runId?: string;
  stepKey?: string;
  teamId?: string;
  /** The API key's id (never the key). */
  keyId?: string;
  /** The upstream's `request-id`, when the gateway forwarded its answer. */
  upstreamRequestId?: string;
  /** How long the call waited for room under the outbound limits, when it waited. */
  outboundWaitMs?: number;
}

const storage = new AsyncLocalStorage<LogContext>();

/** The fields of the work in progress, if any. */
export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}

/** Runs `fn` with these fields added to the current ones (a run inside a request keeps both). */
export function withLogContext<T>(fields: LogContext, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...fields }, fn);
}

/** Adds fields to the current work (the team, once authentication has said who is calling). */
export function addLogContext(fields: LogContext): void {
  const store = storage.getStore();
  if (store) Object.assign(store, fields);
}
