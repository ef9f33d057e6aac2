/**
 * One row of GET /api/gateway/requests → { requests }: a call an SDK client made through
 * /api/anthropic. Imports nothing server-side; the cache page takes it with `import type`.
 */
export interface GatewayRequestView {
  id: string;
  apiKeyId: string | null;
  /** The request-id the client received (the API's `req_…` or the upstream's). */
  requestId: string | null;
  method: string;
  /** The API path called, e.g. /v1/messages. */
  path: string;
  /** Null when the request was refused before its body was read. */
  model: string | null;
  stream: boolean;
  /** The HTTP status the client got. */
  status: number;
  /** hit-memory | hit-db | miss | coalesced | bypass; null when it failed before the cache. */
  cacheStatus: string | null;
  /** The Anthropic error type on a failure (e.g. "overloaded_error"). */
  errorType: string | null;
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  cacheReadTokens: number;
  /** What the upstream call cost in US dollars (0 for an answer from the response cache). */
  costUsd: number;
  /** What an answer from the response cache would have cost upstream. */
  savedUsd: number;
  /** The client's own Anthropic credential went upstream (never stored). */
  clientCredentials: boolean;
  createdAt: string;
}
