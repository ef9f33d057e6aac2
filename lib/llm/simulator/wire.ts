/**
 * The simulator's wire format: Anthropic SSE events and error bodies, built as strings because
 * this is the hot path of every benchmark (no intermediate objects per delta).
 */

export function sseEvent(type: string, json: string): string {
  return `event: ${type}\ndata: ${json}\n\n`;
}

/** Usage as the API reports it (input side fixed at admission, output filled in at the end). */
export interface WireUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
}

export interface MessageHead {
  id: string;
  model: string;
  usage: WireUsage;
}

function usageJson(u: WireUsage, outputTokens: number, serviceTier: boolean): string {
  return (
    `{"input_tokens":${u.input_tokens},"cache_creation_input_tokens":${u.cache_creation_input_tokens},` +
    `"cache_read_input_tokens":${u.cache_read_input_tokens},"cache_creation":{"ephemeral_5m_input_tokens":` +
    `${u.cache_creation.ephemeral_5m_input_tokens},"ephemeral_1h_input_tokens":` +
    `${u.cache_creation.ephemeral_1h_input_tokens}},"output_tokens":${outputTokens}` +
    (serviceTier ? `,"service_tier":"standard"}` : "}")
  );
}

export function messageStart(head: MessageHead): string {
  const message =
    `{"id":${JSON.stringify(head.id)},"type":"message","role":"assistant",` +
    `"model":${JSON.stringify(head.model)},"content":[],"container":null,"stop_reason":null,` +
    `"stop_sequence":null,"stop_details":null,"usage":${usageJson(head.usage, 1, true)}}`;
  return sseEvent("message_start", `{"type":"message_start","message":${message}}`);
}

/**
 * The final usage, cumulative (input side repeated, as the API's message_delta now carries it).
 * The delta has every field of the API's (`container` and `stop_details` are null here): a client
 * that accumulates the stream (the SDK's MessageStream) then has the message a JSON answer is.
 */
export function messageDelta(
  stopReason: string,
  stopSequence: string | null,
  usage: WireUsage,
  outputTokens: number,
): string {
  return sseEvent(
    "message_delta",
    `{"type":"message_delta","delta":{"container":null,"stop_reason":${JSON.stringify(stopReason)},` +
      `"stop_sequence":${JSON.stringify(stopSequence)},"stop_details":null},` +
      `"usage":${usageJson(usage, outputTokens, false)}}`,
  );
}

/** A non-streamed message. */
export function messageJson(
  head: MessageHead,
  content: unknown[],
  end: {
    stopReason: string;
    stopSequence: string | null;
    outputTokens: number;
  },
): string {
  return (
    `{"id":${JSON.stringify(head.id)},"type":"message","role":"assistant",` +
    `"model":${JSON.stringify(head.model)},"content":${JSON.stringify(content)},"container":null,` +
    `"stop_reason":${JSON.stringify(end.stopReason)},"stop_sequence":${JSON.stringify(end.stopSequence)},` +
    `"stop_details":null,"usage":${usageJson(head.usage, end.outputTokens, true)}}`
  );
}

export const MESSAGE_STOP = sseEvent("message_stop", `{"type":"message_stop"}`);

export function errorBody(type: string, message: string, requestId?: string): string {
  return JSON.stringify({
    type: "error",
    error: { type, message },
    ...(requestId ? { request_id: requestId } : {}),
  });
}

export function errorEvent(type: string, message: string): string {
  return sseEvent("error", errorBody(type, message));
}

/** The error type the real API uses for a status. */
export function errorTypeFor(status: number): string {
  switch (status) {
    case 400:
      return "invalid_request_error";
    case 401:
      return "authentication_error";
    case 402:
      return "billing_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 408:
    case 504:
      return "timeout_error";
    case 409:
      return "conflict_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 529:
      return "overloaded_error";
    default:
      return status < 500 ? "invalid_request_error" : "api_error";
  }
}

/** A status for an error type, for faults that name only the type. */
export function statusForType(type: string): number {
  switch (type) {
    case "invalid_request_error":
      return 400;
    case "authentication_error":
      return 401;
    case "billing_error":
      return 402;
    case "permission_error":
      return 403;
    case "not_found_error":
      return 404;
    case "request_too_large":
      return 413;
    case "rate_limit_error":
      return 429;
    case "timeout_error":
      return 504;
    case "overloaded_error":
      return 529;
    default:
      return 500;
  }
}

const DEFAULT_MESSAGES: Record<string, string> = {
  invalid_request_error: "Invalid request",
  authentication_error: "invalid x-api-key",
  billing_error: "Your credit balance is too low",
  permission_error: "Your API key does not have permission to use the specified resource",
  not_found_error: "Not found",
  request_too_large: "Request exceeds the maximum allowed number of bytes",
  rate_limit_error: "Number of requests has exceeded your rate limit (simulated)",
  timeout_error: "Request timed out (simulated)",
  overloaded_error: "Overloaded",
  api_error: "Internal server error (simulated)",
};

export function defaultMessage(type: string): string {
  return DEFAULT_MESSAGES[type] ?? "Simulated error";
}
