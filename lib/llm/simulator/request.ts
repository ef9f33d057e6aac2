import { parseMarkers, type SimDirectives } from "./directives";

/** The fields the simulator reads from a Messages request; everything else is accepted and ignored. */
export interface SimRequest {
  model: string;
  max_tokens: number;
  messages: Array<{ role: string; content: unknown }>;
  system?: unknown;
  stream?: boolean;
  temperature?: number | null;
  top_p?: number | null;
  top_k?: number | null;
  stop_sequences?: string[] | null;
  tools?: unknown;
}

/** What was wrong with a request, phrased like the real API's invalid_request_error. */
export class InvalidRequest extends Error {
  override name = "InvalidRequest";
}

/** Minimal validation, enough that a client bug shows up as the API's 400 and not a crash. */
export function validateRequest(body: unknown): SimRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new InvalidRequest("request body must be a JSON object");
  }
  const b = body as Record<string, unknown>;
  if (typeof b.model !== "string" || b.model.length === 0) {
    throw new InvalidRequest("model: Field required");
  }
  if (typeof b.max_tokens !== "number" || !Number.isInteger(b.max_tokens) || b.max_tokens < 1) {
    throw new InvalidRequest("max_tokens: Field required (an integer >= 1)");
  }
  if (!Array.isArray(b.messages) || b.messages.length === 0) {
    throw new InvalidRequest("messages: at least one message is required");
  }
  for (const [i, m] of b.messages.entries()) {
    const message = m as Record<string, unknown> | null;
    if (typeof message !== "object" || message === null) {
      throw new InvalidRequest(`messages.${i}: must be an object`);
    }
    if (message.role !== "user" && message.role !== "assistant") {
      throw new InvalidRequest(`messages.${i}.role: must be "user" or "assistant"`);
    }
    if (typeof message.content !== "string" && !Array.isArray(message.content)) {
      throw new InvalidRequest(`messages.${i}.content: must be a string or a list of blocks`);
    }
  }
  if (b.stop_sequences !== undefined && b.stop_sequences !== null) {
    if (!Array.isArray(b.stop_sequences) || b.stop_sequences.some((s) => typeof s !== "string")) {
      throw new InvalidRequest("stop_sequences: must be a list of strings");
    }
  }
  return b as unknown as SimRequest;
}

/** Merges every `[[sim:…]]` marker found in the system prompt and the messages' text. */
export function directivesOf(request: SimRequest): SimDirectives | undefined {
  let out: SimDirectives | undefined;
  const visit = (content: unknown) => {
    if (typeof content === "string") {
      const found = parseMarkers(content);
      if (found) out = { ...out, ...found };
    } else if (Array.isArray(content)) {
      for (const block of content) {
        const text = (block as { text?: unknown } | null)?.text;
        if (typeof text === "string") visit(text);
      }
    }
  };
  visit(request.system);
  for (const message of request.messages) visit(message.content);
  return out;
}
