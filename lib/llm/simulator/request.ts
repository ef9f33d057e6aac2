import { parseMarkers, type SimDirectives } from "./directives";
import { type ValidateContext, validateBody } from "./validate";

/** The fields the simulator reads from a Messages request; everything else is accepted and ignored. */
export interface SimRequest {
  model: string;
  /** Absent only on count_tokens. */
  max_tokens: number;
  messages: Array<{ role: string; content: unknown }>;
  system?: unknown;
  stream?: boolean;
  temperature?: number | null;
  top_p?: number | null;
  top_k?: number | null;
  stop_sequences?: string[] | null;
  tools?: unknown;
  tool_choice?: unknown;
  thinking?: { type: "enabled"; budget_tokens: number } | { type: "disabled" | "adaptive" } | null;
  /** Automatic prompt caching: a breakpoint at the end of the prompt. */
  cache_control?: { type: string; ttl?: string } | null;
}

export { InvalidRequest } from "./validate";

/** Validates a Messages body the way the API does (see ./validate.ts) and types it. */
export function validateRequest(
  body: unknown,
  ctx: ValidateContext = { betas: [], endpoint: "messages" },
): SimRequest {
  return validateBody(body, ctx) as unknown as SimRequest;
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
