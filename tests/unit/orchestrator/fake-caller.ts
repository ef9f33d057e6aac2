import type {
  CallContext,
  CacheStatus,
  ModelCaller,
  ModelRequest,
  ModelStreamEvent,
} from "@/lib/llm/types";
import type { RunEvent } from "@/lib/orchestrator";

/** One call the fake received. */
export interface FakeCall {
  /** 0-based, across all calls to this fake. */
  index: number;
  request: ModelRequest;
  context: CallContext;
  signal: AbortSignal;
  /** The user message text. */
  content: string;
  /** Date.now() when the call started (faked under fake timers). */
  at: number;
}

export type Respond = (call: FakeCall) => AsyncIterable<ModelStreamEvent>;

/**
 * A scripted ModelCaller at the orchestrator's seam. It measures how many calls are streaming at
 * once; `tally` lets several fakes share one counter (global concurrency across runs).
 */
export function createFakeCaller(respond: Respond, tally: Tally = createTally()) {
  const calls: FakeCall[] = [];
  let active = 0;
  let maxActive = 0;
  const caller: ModelCaller = (request, context) => {
    const first = request.messages[0];
    const call: FakeCall = {
      index: calls.length,
      request,
      context,
      signal: context.signal ?? new AbortController().signal,
      content: typeof first?.content === "string" ? first.content : "",
      at: Date.now(),
    };
    calls.push(call);
    return (async function* () {
      active += 1;
      maxActive = Math.max(maxActive, active);
      tally.enter();
      try {
        yield* respond(call);
      } finally {
        active -= 1;
        tally.leave();
      }
    })();
  };
  return {
    caller,
    calls,
    get active() {
      return active;
    },
    get maxActive() {
      return maxActive;
    },
  };
}

export interface Tally {
  enter(): void;
  leave(): void;
  readonly max: number;
}

export function createTally(): Tally {
  let current = 0;
  let max = 0;
  return {
    enter() {
      current += 1;
      max = Math.max(max, current);
    },
    leave() {
      current -= 1;
    },
    get max() {
      return max;
    },
  };
}

export function messageStart(inputTokens: number): ModelStreamEvent {
  return {
    type: "message_start",
    message: {
      id: "msg_test",
      type: "message",
      role: "assistant",
      model: "claude-test",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: inputTokens, output_tokens: 1 },
    },
  } as unknown as ModelStreamEvent;
}

export function textDelta(text: string): ModelStreamEvent {
  return { type: "content_block_delta", index: 0, delta: { type: "text_delta", text } };
}

export function messageDelta(outputTokens: number): ModelStreamEvent {
  return {
    type: "message_delta",
    delta: { stop_reason: "end_turn", stop_sequence: null },
    usage: { output_tokens: outputTokens },
  } as unknown as ModelStreamEvent;
}

export const messageStop: ModelStreamEvent = { type: "message_stop" };

/** Rejects when `signal` aborts, with its reason, like a well-behaved provider. */
function waitFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

export interface AnswerOptions {
  inputTokens?: number;
  outputTokens?: number;
  /** Wait before the first event and between text chunks. */
  delayMs?: number;
  cacheStatus?: CacheStatus;
}

/** A complete, successful Anthropic-style stream of `chunks`. */
export async function* answer(
  call: FakeCall,
  chunks: string | string[],
  options: AnswerOptions = {},
): AsyncGenerator<ModelStreamEvent> {
  call.context.onCacheStatus?.(options.cacheStatus ?? "miss");
  const delayMs = options.delayMs ?? 0;
  if (delayMs > 0) await waitFor(delayMs, call.signal);
  yield messageStart(options.inputTokens ?? 10);
  for (const chunk of typeof chunks === "string" ? [chunks] : chunks) {
    if (delayMs > 0) await waitFor(delayMs, call.signal);
    yield textDelta(chunk);
  }
  yield messageDelta(options.outputTokens ?? 5);
  yield messageStop;
}

/** Fails with `error`, optionally after streaming `chunks` of text. */
export async function* failWith(
  error: unknown,
  chunks: string[] = [],
): AsyncGenerator<ModelStreamEvent> {
  yield messageStart(10);
  for (const chunk of chunks) yield textDelta(chunk);
  throw error;
}

/** Never answers; rejects once the call's signal aborts. */
export async function* hang(call: FakeCall): AsyncGenerator<ModelStreamEvent> {
  await new Promise<never>((_, reject) => {
    if (call.signal.aborted) reject(call.signal.reason);
    call.signal.addEventListener("abort", () => reject(call.signal.reason), { once: true });
  });
  yield messageStop;
}

export function agent(name: string, model = "claude-test") {
  return { name, model, system: `You are ${name}.`, temperature: 0.5, maxTokens: 256 };
}

/** Reads a run to its end while fake time moves forward in small steps. */
export async function drain(
  events: AsyncIterable<RunEvent>,
  advance: (ms: number) => Promise<unknown>,
  options: { stepMs?: number; maxMs?: number } = {},
): Promise<RunEvent[]> {
  const seen: RunEvent[] = [];
  let finished = false;
  let failure: unknown;
  const reading = (async () => {
    for await (const event of events) seen.push(event);
  })().then(
    () => (finished = true),
    (error: unknown) => {
      failure = error;
      finished = true;
    },
  );
  const stepMs = options.stepMs ?? 50;
  const maxMs = options.maxMs ?? 15 * 60_000;
  for (let elapsed = 0; !finished; elapsed += stepMs) {
    if (elapsed > maxMs) throw new Error(`The run did not end within ${maxMs} ms of fake time.`);
    await advance(stepMs);
  }
  await reading;
  if (failure !== undefined) throw failure;
  return seen;
}

export function ofType<T extends RunEvent["type"]>(
  events: RunEvent[],
  type: T,
): Array<Extract<RunEvent, { type: T }>> {
  return events.filter((event): event is Extract<RunEvent, { type: T }> => event.type === type);
}
