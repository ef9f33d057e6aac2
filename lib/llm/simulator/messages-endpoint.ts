/**
 * `POST /v1/messages` and `POST /v1/messages/count_tokens`: the checks the API makes, in its
 * order (size, credentials, version, JSON, shape), then the directives, the rate limits, and the
 * answer. Nothing a client sends can throw out of here: an unexpected error is a 500 api_error.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { countInputTokens, requestHash } from "./answer";
import { DirectiveError, hasFault, withoutFaults, type SimDirectives } from "./directives";
import { Exchange } from "./exchange";
import type { AttemptCounter, FaultQueue } from "./faults";
import type { RateLimits } from "./limits";
import type { ResolvedSimulatorOptions } from "./options";
import type { PromptCache } from "./prompt-cache";
import { directivesOf, validateRequest, type SimRequest } from "./request";
import { respond, type RespondContext } from "./respond";
import type { SimulatorStats } from "./stats";
import { InvalidRequest, parseBetas } from "./validate";
import { errorBody } from "./wire";

/** Everything one simulator instance keeps; shared by its endpoints. */
export interface SimState {
  options: ResolvedSimulatorOptions;
  stats: SimulatorStats;
  faults: FaultQueue;
  attempts: AttemptCounter;
  limits: RateLimits;
  promptCache: PromptCache;
  nextId(kind: string): string;
}

export function hasCredentials(req: IncomingMessage): boolean {
  const apiKey = req.headers["x-api-key"];
  if (typeof apiKey === "string" && apiKey.trim() !== "") return true;
  const auth = req.headers.authorization;
  return typeof auth === "string" && /^Bearer\s+\S/i.test(auth);
}

/** Reads a body as UTF-8; `undefined` when it exceeds `limit` (the rest is drained, not kept). */
export function readBody(
  req: IncomingMessage,
  limit: number,
  done: (body: string | undefined) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  });
  req.once("end", () => {
    if (size > limit) return done(undefined);
    // One chunk is the common case (small bodies): no copy.
    done(
      chunks.length === 1
        ? (chunks[0] as Buffer).toString("utf8")
        : Buffer.concat(chunks).toString("utf8"),
    );
  });
}

/** A parse or validation failure, as the API words it. */
function parseRequest(raw: string, req: IncomingMessage, endpoint: "messages" | "count_tokens") {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new InvalidRequest("The request body is not valid JSON");
  }
  return validateRequest(body, { betas: parseBetas(req.headers["anthropic-beta"]), endpoint });
}

/** The shared front of both endpoints: size, credentials, version; undefined when it answered. */
function precheck(
  state: SimState,
  req: IncomingMessage,
  raw: string | undefined,
  fail: (status: number, type: string, message: string) => void,
): string | undefined {
  if (raw === undefined) {
    fail(413, "request_too_large", "Request exceeds the maximum allowed number of bytes");
  } else if (!hasCredentials(req)) {
    fail(401, "authentication_error", "x-api-key header is required");
  } else if (state.options.requireVersionHeader && !req.headers["anthropic-version"]) {
    fail(400, "invalid_request_error", "anthropic-version: header is required");
  } else {
    return raw;
  }
  return undefined;
}

export function handleMessages(
  state: SimState,
  respondContext: RespondContext,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const { stats, options } = state;
  stats.requests++;
  const ex = new Exchange(req, res, state.nextId("req"), stats);
  const fail = (status: number, type: string, message: string) => {
    ex.outcome("http_error");
    ex.sendError(status, type, message);
  };
  readBody(req, options.maxBodyBytes, (body) => {
    if (ex.closed) return;
    try {
      const raw = precheck(state, req, body, fail);
      if (raw === undefined) return;
      let request: SimRequest;
      let d: SimDirectives;
      try {
        request = parseRequest(raw, req, "messages");
        d = { ...directivesOf(request), ...state.faults.take(request.model) };
      } catch (error) {
        if (error instanceof InvalidRequest || error instanceof DirectiveError) {
          return fail(400, "invalid_request_error", error.message);
        }
        throw error;
      }
      if (request.stream === true) stats.streamed++;
      const hash = requestHash(request);
      if (d.failFirst !== undefined) {
        // "fail-first=2" alone means two overloaded answers, then success.
        if (!hasFault(d)) d.status = 529;
        if (state.attempts.next(hash) > d.failFirst) d = withoutFaults(d);
      }
      const total = countInputTokens(request);
      const cached = state.promptCache.usage(request, total);
      let headers = {};
      // An explicit fault answers as told; only real answers meet (and spend) the rate limits.
      if (d.status === undefined && !d.hang && !d.drop) {
        const u = cached.usage;
        const admission = state.limits.admit(
          request.model,
          u.input_tokens + u.cache_creation_input_tokens,
        );
        if (!admission.ok) {
          ex.outcome("rate_limited");
          return ex.sendError(429, "rate_limit_error", admission.message, admission.headers);
        }
        cached.commit();
        headers = admission.headers;
      }
      const latency = d.latencyMs ?? options.latencyMs;
      const admitted = { usage: cached.usage, headers };
      const go = () => respond(ex, request, hash, d, respondContext, admitted);
      if (latency > 0) ex.after(latency, go);
      else go();
    } catch (error) {
      // A simulator bug must not take the server (or the test run) down with it.
      if (!ex.closed && !res.headersSent) fail(500, "api_error", `Internal server error: ${error}`);
      else ex.destroy();
    }
  });
}

/** Sends a JSON answer with a fresh request-id (for the endpoints without an Exchange). */
export function sendJson(
  state: SimState,
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    "request-id": state.nextId("req"),
    ...headers,
  });
  res.end(body);
}

/** An error in the API's envelope, whose `request_id` is its `request-id` header, as the API's are. */
export function sendError(
  state: SimState,
  res: ServerResponse,
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  const requestId = state.nextId("req");
  sendJson(state, res, status, errorBody(type, message, requestId), {
    "request-id": requestId,
    ...headers,
  });
}

/** `POST /v1/messages/count_tokens`: the same count the answer's usage adds up to. */
export function handleCountTokens(state: SimState, req: IncomingMessage, res: ServerResponse) {
  readBody(req, state.options.maxBodyBytes, (body) => {
    const fail = (status: number, type: string, message: string) =>
      sendError(state, res, status, type, message);
    try {
      const raw = precheck(state, req, body, fail);
      if (raw === undefined) return;
      const request = parseRequest(raw, req, "count_tokens");
      sendJson(state, res, 200, JSON.stringify({ input_tokens: countInputTokens(request) }));
    } catch (error) {
      if (error instanceof InvalidRequest) fail(400, "invalid_request_error", error.message);
      else fail(500, "api_error", `Internal server error: ${error}`);
    }
  });
}
