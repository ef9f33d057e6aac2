import type { AppError } from "@/lib/errors";
import type { ModelRequest, ModelStreamEvent } from "@/lib/llm";

export function request(content: string, overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    model: "claude-sim",
    max_tokens: 256,
    messages: [{ role: "user", content }],
    ...overrides,
  };
}

export async function collect(
  stream: AsyncIterable<ModelStreamEvent>,
): Promise<ModelStreamEvent[]> {
  const events: ModelStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

export function textOf(events: readonly ModelStreamEvent[]): string {
  let text = "";
  for (const e of events) {
    if (e.type === "content_block_delta" && e.delta.type === "text_delta") text += e.delta.text;
  }
  return text;
}

/** Runs the stream, returning the events seen and the error it ended with (if any). */
export async function settle(
  stream: AsyncIterable<ModelStreamEvent>,
): Promise<{ events: ModelStreamEvent[]; error: AppError | undefined }> {
  const events: ModelStreamEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
    return { events, error: undefined };
  } catch (error) {
    return { events, error: error as AppError };
  }
}

/** Waits until `check` passes (the simulator learns of a closed socket asynchronously). */
export async function eventually(check: () => void, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
