import type { IncomingMessage, ServerResponse } from "node:http";
import type { QueuedFault } from "./faults";
import { parseLimitTable } from "./limits";
import { type SimState, readBody } from "./messages-endpoint";
import { resetStats, snapshotStats } from "./stats";
import { InvalidRequest } from "./validate";

/** Control bodies are tiny; anything larger is a mistake. */
const MAX_CONTROL_BODY = 64 * 1024;

/** Zeroes the counters and forgets fail-first attempts, queued faults, rate buckets and prompt cache. */
export function resetSimState(state: SimState): void {
  // Mutated in place (never replaced) so that exchanges in flight across a reset stay consistent.
  Object.assign(state.stats, resetStats(state.stats));
  state.faults.clear();
  state.attempts.clear();
  state.limits.clear();
  state.promptCache.clear();
}

/** The `/_sim/*` endpoints tests and benchmarks use to read counters and script faults and limits. */
export function handleControl(
  state: SimState,
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const send = (status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json" });
    res.end(text);
  };
  const { faults } = state;
  if (path === "/_sim/stats" && req.method === "GET") return send(200, snapshotStats(state.stats));
  if (path === "/_sim/faults" && req.method === "GET") return send(200, { faults: faults.list() });
  if (path === "/_sim/faults" && req.method === "DELETE") {
    faults.clear();
    return send(200, { faults: [] });
  }
  if (path === "/_sim/reset" && req.method === "POST") {
    resetSimState(state);
    return send(200, { reset: true });
  }
  if (path === "/_sim/limits" && req.method === "GET") {
    return send(200, { limits: state.limits.table() });
  }
  if (path === "/_sim/limits" && req.method === "POST") {
    return readBody(req, MAX_CONTROL_BODY, (raw) => {
      try {
        state.limits.set(parseLimitTable(JSON.parse(raw ?? "")));
        send(200, { limits: state.limits.table() });
      } catch (error) {
        send(400, { error: (error as Error).message });
      }
    });
  }
  if (path === "/_sim/faults" && req.method === "POST") {
    return readBody(req, MAX_CONTROL_BODY, (raw) => {
      try {
        const list = parseFaults(JSON.parse(raw ?? ""));
        for (const fault of list) faults.add(fault);
        send(200, { queued: list.length, faults: faults.list() });
      } catch (error) {
        send(400, { error: (error as Error).message });
      }
    });
  }
  send(404, { error: `no control endpoint ${req.method} ${path}` });
}

/** One fault, a list of them, or `{ faults: [...] }`; all refused unless each names a directive. */
function parseFaults(parsed: unknown): QueuedFault[] {
  const list: unknown[] = Array.isArray(parsed)
    ? parsed
    : Array.isArray((parsed as { faults?: unknown }).faults)
      ? (parsed as { faults: unknown[] }).faults
      : [parsed];
  for (const item of list) {
    if (typeof (item as QueuedFault)?.directive !== "string") {
      throw new InvalidRequest('each fault needs a "directive" string');
    }
  }
  return list as QueuedFault[];
}
