import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { SimOutcome, SimulatorStats } from "./stats";
import { errorBody } from "./wire";

/**
 * One request/response pair and what the simulator knows about its fate. It holds at most one
 * pending timer (every step is sequential), cleared the moment the connection closes, so a client
 * that gives up never leaves work behind.
 */
export class Exchange {
  /** The response is over: finished, destroyed by us, or abandoned by the client. */
  closed = false;
  /** We destroyed the socket on purpose (drop / disconnect-after): not the client's doing. */
  selfDestroyed = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly requestId: string,
    private readonly stats: SimulatorStats,
  ) {
    stats.inFlight++;
    res.once("close", () => {
      this.closed = true;
      stats.inFlight--;
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = undefined;
      if (!res.writableFinished && !this.selfDestroyed) stats.clientClosed++;
    });
  }

  /** Runs `next` after `ms`, unless the exchange has closed by then. */
  after(ms: number, next: () => void): void {
    if (this.closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.closed) next();
    }, ms);
  }

  outcome(outcome: SimOutcome): void {
    this.stats.outcomes[outcome]++;
  }

  writeHead(status: number, headers: OutgoingHttpHeaders): void {
    this.stats.statuses[status] = (this.stats.statuses[status] ?? 0) + 1;
    this.res.writeHead(status, { "request-id": this.requestId, ...headers });
  }

  sendJson(status: number, body: string, headers: OutgoingHttpHeaders = {}): void {
    if (this.closed) return;
    this.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      ...headers,
    });
    this.res.end(body);
  }

  sendError(status: number, type: string, message: string, headers?: OutgoingHttpHeaders): void {
    this.sendJson(status, errorBody(type, message, this.requestId), headers);
  }

  /** Kills the connection, after `chunk` (if any) has reached the kernel. */
  destroy(chunk?: string): void {
    this.selfDestroyed = true;
    const socket = this.req.socket;
    if (chunk && !this.closed) this.res.write(chunk, () => socket.destroy());
    else socket.destroy();
  }
}
