import "server-only";
import { AppError } from "@/lib/errors";
import type { CallOptions, RawRequest, UpstreamResponse } from "@/lib/llm/types";
import { type Semaphore, createSemaphore } from "@/lib/orchestrator/semaphore";

export interface GatewayUpstreamOptions {
  /**
   * The provider's raw call (see Provider.send), behind the outbound limits (limitOutbound): their
   * `outbound.onWait`, told when a call is admitted, is what starts its first-byte clock.
   */
  send: (request: RawRequest, options?: CallOptions) => Promise<UpstreamResponse>;
  /** Upstream calls in flight for gateway clients; separate from the runs' pool. */
  maxConcurrency: number;
  /** The pool itself, when the caller observes it (metrics). @default a FIFO semaphore of maxConcurrency */
  pool?: Semaphore;
  /** No response head within this long of the call's admission (outbound limits): 504 timeout_error. */
  firstByteTimeoutMs: number;
  /** No body bytes for this long: the stream is cut off with a timeout error. */
  idleTimeoutMs: number;
  /**
   * The whole call, head to last byte, is cut off after this long however steadily bytes flow
   * (a trickling upstream would otherwise hold a permit for ever). @default no cap
   */
  totalTimeoutMs?: number;
  /** How long a call may wait for room under the outbound limits. @default no bound */
  outboundMaxWaitMs?: number;
}

/** One forwarded call: waits for a permit, sends, and guards the body with the idle timeout. */
export type GatewayUpstream = (
  request: RawRequest,
  signal: AbortSignal,
) => Promise<UpstreamResponse>;

/**
 * The gateway's own upstream pool (FIFO, abortable), so gateway clients and runs cannot starve
 * each other, with a first-byte and an idle timeout. The permit is held until the body is read
 * to its end, fails, or is abandoned.
 */
export function createGatewayUpstream(options: GatewayUpstreamOptions): GatewayUpstream {
  const pool = options.pool ?? createSemaphore(options.maxConcurrency);
  return async (request, signal) => {
    const release = await pool.acquire(signal);
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    const total =
      options.totalTimeoutMs === undefined
        ? undefined
        : setTimeout(
            () => controller.abort(new AppError("upstream_timeout", totalMessage(options))),
            options.totalTimeoutMs,
          );
    const done = () => {
      clearTimeout(total);
      signal.removeEventListener("abort", onAbort);
      release();
    };
    let firstByte: NodeJS.Timeout | undefined;
    const startClock = () => {
      firstByte = setTimeout(
        () => controller.abort(new AppError("upstream_timeout", firstByteMessage(options))),
        options.firstByteTimeoutMs,
      );
    };
    let response: UpstreamResponse;
    try {
      response = await options.send(clockedFromAdmission(bounded(request, options), startClock), {
        signal: controller.signal,
      });
    } catch (error) {
      done();
      throw controller.signal.reason instanceof AppError ? controller.signal.reason : error;
    } finally {
      clearTimeout(firstByte);
    }
    const body = response.body && guard(response.body, controller, options.idleTimeoutMs, done);
    if (body === null) done();
    return { ...response, body };
  };
}

/**
 * Starts the first-byte clock once the call is admitted past the outbound limits: a wait for room
 * (a hold after the upstream's 429, a full window) is not the upstream's silence, and has its own
 * bound (429 with retry-after). A call outside the limits is admitted at once.
 */
function clockedFromAdmission(request: RawRequest, start: () => void): RawRequest {
  const outbound = request.outbound;
  if (!outbound) {
    start();
    return request;
  }
  const onWait = (ms: number) => {
    outbound.onWait?.(ms);
    start();
  };
  return { ...request, outbound: { ...outbound, onWait } };
}

/** The gateway's bound on a wait for outbound room, unless the call set its own. */
function bounded(request: RawRequest, options: GatewayUpstreamOptions): RawRequest {
  if (!request.outbound || options.outboundMaxWaitMs === undefined) return request;
  if (request.outbound.maxWaitMs !== undefined) return request;
  return { ...request, outbound: { ...request.outbound, maxWaitMs: options.outboundMaxWaitMs } };
}

function firstByteMessage(options: GatewayUpstreamOptions): string {
  return `The upstream sent no response within ${seconds(options.firstByteTimeoutMs)} s`;
}

function totalMessage(options: GatewayUpstreamOptions): string {
  return `The upstream call took longer than ${seconds(options.totalTimeoutMs ?? 0)} s`;
}

function seconds(ms: number): string {
  return ms < 1000 ? (ms / 1000).toFixed(1) : String(Math.round(ms / 1000));
}

async function* guard(
  body: AsyncIterable<Uint8Array>,
  controller: AbortController,
  idleMs: number,
  done: () => void,
): AsyncGenerator<Uint8Array, void> {
  let idle = false;
  let complete = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      idle = true;
      controller.abort();
    }, idleMs);
  };
  try {
    arm();
    for await (const chunk of body) {
      arm();
      yield chunk;
    }
    complete = true;
  } catch (error) {
    if (idle) {
      throw new AppError("upstream_timeout", `The upstream sent nothing for ${seconds(idleMs)} s`);
    }
    // The total cap aborted the body mid-stream: its reason says so.
    if (controller.signal.reason instanceof AppError) throw controller.signal.reason;
    throw error;
  } finally {
    clearTimeout(timer);
    // Leaving early (the client went away) aborts the upstream request too. A body read to its
    // end needs no abort (each one built a DOMException: measurable at hundreds a second).
    if (!complete && !controller.signal.aborted) controller.abort();
    done();
  }
}
