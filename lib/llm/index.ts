/**
 * lib/llm's public face: the provider over @anthropic-ai/sdk, upstream error mapping, and the
 * simulator. Server-only (the provider holds the API key); a plain Node script that only needs the
 * simulator imports "@/lib/llm/simulator" instead, which has no "server-only" marker.
 */
export type {
  CacheControl,
  CacheStatus,
  CallContext,
  CallOptions,
  ModelCaller,
  ModelRequest,
  ModelResponse,
  ModelStreamEvent,
  Provider,
} from "./types";
export {
  createAnthropicProvider,
  type AnthropicProvider,
  type AnthropicProviderOptions,
  type AnthropicLogLevel,
} from "./anthropic-provider";
export { mapUpstreamError, codeForStatus, type MapErrorContext } from "./map-error";
export { parseRetryAfterMs, parseShouldRetry, type HeaderSource } from "./retry-after";
export * from "./simulator";
