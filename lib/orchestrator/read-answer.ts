import { raceAbort } from "@/lib/async";
import type { ModelStreamEvent } from "@/lib/llm/types";
import { emptyUsage, foldUsage, type TokenUsage } from "@/lib/llm/usage";
import type { RunEventInput, StopReason } from "./events";

/** What an attempt has read of the answer so far. */
export interface Tally {
  output: string;
  ttftMs: number | null;
  inputTokens: number;
  outputTokens: number;
  /** Every billed token class, prompt-cache writes and reads included (for the step's cost). */
  usage: TokenUsage;
  stopReason: StopReason;
  /** message_stop arrived: the answer is complete. */
  stopped: boolean;
  /** Text deltas handed to the consumer: past zero, no retry may follow. */
  tokensSeen: number;
}

export const newTally = (): Tally => ({
  output: "",
  ttftMs: null,
  inputTokens: 0,
  outputTokens: 0,
  usage: emptyUsage(),
  stopReason: null,
  stopped: false,
  tokensSeen: 0,
});

/** Reads the model's stream to its end into the tally, passing text deltas on as step-delta. */
export async function readAnswer(
  iterator: AsyncIterator<ModelStreamEvent>,
  signal: AbortSignal,
  ctx: {
    stepKey: string;
    now: () => number;
    emit: (event: RunEventInput) => Promise<void>;
    startedAt: number;
    tally: Tally;
  },
): Promise<void> {
  const { tally } = ctx;
  for (;;) {
    // Raced against the signal so a caller that ignores its signal cannot hang the run.
    const next = await raceAbort(iterator.next(), signal);
    if (next.done) return;
    const event = next.value;
    switch (event.type) {
      case "message_start":
        tally.inputTokens = event.message.usage.input_tokens;
        tally.outputTokens = event.message.usage.output_tokens;
        foldUsage(tally.usage, event.message.usage);
        break;
      case "content_block_delta":
        if (event.delta.type === "text_delta") {
          tally.ttftMs ??= ctx.now() - ctx.startedAt;
          tally.output += event.delta.text;
          // Counted before the push: from here on the consumer may have seen it.
          tally.tokensSeen += 1;
          await raceAbort(
            ctx.emit({ type: "step-delta", stepKey: ctx.stepKey, text: event.delta.text }),
            signal,
          );
        }
        break;
      case "message_delta":
        tally.stopReason = event.delta.stop_reason;
        // message_delta usage is cumulative for the message, so it replaces rather than adds.
        tally.outputTokens = event.usage.output_tokens;
        foldUsage(tally.usage, event.usage);
        // Typed number | null, but replays and simulators may leave it out altogether.
        if (typeof event.usage.input_tokens === "number") {
          tally.inputTokens = event.usage.input_tokens;
        }
        break;
      case "message_stop":
        tally.stopped = true;
        break;
      default:
        break;
    }
  }
}
