/**
 * The Anthropic-protocol simulator: a loopback HTTP server that answers `POST /v1/messages` like
 * the real API (JSON and SSE), deterministically, with faults chosen per request. No secrets and no
 * SDK here, so it runs under plain Node/tsx as well as in tests.
 *
 * Per-request directives, anywhere in the system prompt or a message's text (several merge):
 *   [[sim:status=429,retry-after=1]]   HTTP error (+ retry-after / retry-after-ms / should-retry / type)
 *   [[sim:status=529]]  [[sim:status=500]]
 *   [[sim:hang]]                       no answer until the client disconnects
 *   [[sim:drop]]                       socket destroyed before any response
 *   [[sim:disconnect-after=5]]         socket destroyed after 5 content deltas
 *   [[sim:error-after=5,type=api_error]]  SSE `error` event after 5 deltas (default overloaded_error)
 *   [[sim:stall-after=5]]              stop sending after 5 deltas, keep the connection open
 *   [[sim:invalid-json]]               a body (or first SSE event) that is not JSON
 *   [[sim:latency=1000]] [[sim:ttft=300]] [[sim:tps=50]] [[sim:tokens=200]]
 *   [[sim:fail-first=2,status=529]]    the fault for the first 2 identical requests, then success
 *   [[sim:tool=Bash,tool-arg=ls -la]]  answer with a tool_use for that tool (one of `tools`)
 * Without a marker it also answers with tool_use when `tool_choice` is any/tool or the last user
 * message says "use the X tool"; never right after a tool_result (so tool loops end). It answers
 * with a thinking block when `thinking` is enabled, reports prompt-cache writes and reads when
 * `cache_control` is present, and accepts `{"role":"system"}` messages under the beta
 * `mid-conversation-system-2026-04-07` (else the API's 400). Every answer carries `request-id` and
 * `anthropic-ratelimit-*`; limits per model (options.limits or POST /_sim/limits) answer 429.
 * Endpoints: POST /v1/messages, POST /v1/messages/count_tokens, GET /v1/models, GET /v1/models/{id}.
 * Control: POST /_sim/faults {directive, times?, model?} (or a list), GET|DELETE /_sim/faults,
 * GET|POST /_sim/limits {"<model>|*": {rpm, itpm, otpm}}, GET /_sim/stats, POST /_sim/reset.
 */
export { startSimulator, type Simulator } from "./server";
export type { SimulatorOptions } from "./options";
export type { SimulatorStats, SimOutcome } from "./stats";
export type { QueuedFault } from "./faults";
export type { LimitTable, ModelLimits } from "./limits";
export { MID_CONVERSATION_SYSTEM_BETA, UNEXPECTED_SYSTEM_ROLE } from "./validate";
export { SIMULATED_MODELS } from "./models";
export { parseMarkers, parseDirectiveList, DirectiveError, type SimDirectives } from "./directives";
export {
  generateAnswer,
  requestHash,
  countTokens,
  countInputTokens,
  splitDeltas,
  type Answer,
  type AnswerInput,
  type AnswerOptions,
} from "./answer";
