import type { ErrorCode } from "@/lib/errors";
import type { CacheStatus, ModelStreamEvent } from "@/lib/llm/types";
import type { TokenUsage } from "@/lib/llm/usage";

/** The model's reason for stopping, as Anthropic reports it. */
export type StopReason = Extract<
  ModelStreamEvent,
  { type: "message_delta" }
>["delta"]["stop_reason"];

/** One upstream attempt of a step, kept on the step's final event. */
export interface AttemptRecord {
  /** 1-based. */
  attempt: number;
  /** When the attempt began (epoch ms): after its permits were granted, or when it failed fast. */
  startedAt: number;
  durationMs: number;
  /** Absent when the attempt succeeded. */
  errorCode?: ErrorCode;
  /** The model called, when it was one of the agent's fallbacks (absent: the agent's own). */
  model?: string;
}

/** Fields every event carries. */
interface EventBase {
  runId: string;
  /**
   * Strictly increasing per run, starting at 1, in the order events are emitted; consumers use it
   * as the SSE id and resume after a Last-Event-ID.
   */
  seq: number;
}

/** The run began; lists its steps in a valid execution order. */
export interface RunStartEvent extends EventBase {
  type: "run-start";
  at: number;
  steps: Array<{ key: string; agentName: string; model: string; dependsOn: string[] }>;
}

/** An attempt of a step holds its permits and is calling the model. */
export interface StepStartEvent extends EventBase {
  type: "step-start";
  stepKey: string;
  attempt: number;
  at: number;
}

/** A piece of a step's answer text, in order. Never retracted: no retry follows a delta. */
export interface StepDeltaEvent extends EventBase {
  type: "step-delta";
  stepKey: string;
  text: string;
}

/** Attempt `attempt` failed with `errorCode`; attempt `attempt + 1` follows after `delayMs`. */
export interface StepRetryEvent extends EventBase {
  type: "step-retry";
  stepKey: string;
  attempt: number;
  errorCode: ErrorCode;
  delayMs: number;
  /** Set when attempt `attempt + 1` switches to this fallback model (at once: delayMs 0). */
  model?: string;
}

/** The step succeeded. */
export interface StepEndEvent extends EventBase {
  type: "step-end";
  stepKey: string;
  output: string;
  attempts: AttemptRecord[];
  /** From the first attempt's start to the end, including queueing and backoff. */
  latencyMs: number;
  /** Time to first text delta within the successful attempt; null when it produced no text. */
  ttftMs: number | null;
  inputTokens: number;
  outputTokens: number;
  /** Every billed token class; absent from events recorded before prompt-cache accounting. */
  usage?: TokenUsage;
  /** How the successful call was served; null when the caller never said. */
  cacheStatus: CacheStatus | null;
  stopReason: StopReason;
  /**
   * The model that answered: the agent's own or one of its fallbacks. Absent from events
   * recorded before fallbacks existed (the agent's model answered those).
   */
  model?: string;
  /**
   * The step was not called: its answer was copied from an earlier run (RunOptions.completed),
   * so it has no attempts and bills nothing here.
   */
  copied?: true;
}

/**
 * What a step that did not finish had streamed before it stopped (issue 13 #3): the text the user
 * watched, and what the broken call billed. `outputTokens` is the upstream's count when it sent
 * one, else the number of text deltas seen (the stream broke before its final usage).
 */
export interface PartialAnswer {
  output: string;
  ttftMs: number | null;
  inputTokens: number;
  outputTokens: number;
  usage: TokenUsage;
  /** How the broken call was served; a replay from the cache billed nothing. */
  cacheStatus: CacheStatus | null;
  /** The model that streamed it (priced at its rates); absent from older events. */
  model?: string;
}

/**
 * The step failed, was cancelled, or never ran. A step skipped because a dependency did not
 * succeed has `skipped: true`, code "cancelled" and no attempts.
 */
export interface StepErrorEvent extends EventBase {
  type: "step-error";
  stepKey: string;
  code: ErrorCode;
  message: string;
  attempts: AttemptRecord[];
  latencyMs: number;
  skipped?: true;
  /** Present when text had streamed before the step stopped: kept, never thrown away. */
  partial?: PartialAnswer;
  /** The step was not called: it had failed before its run was resumed (RunOptions.completed). */
  copied?: true;
}

/** How a run ended. */
export type RunStatus =
  /** Every step succeeded. */
  | "succeeded"
  /** Some steps succeeded, some did not. */
  | "partial"
  /** No step succeeded. */
  | "failed"
  /** The run was cancelled (by its signal or its consumer), whatever had succeeded before. */
  | "cancelled";

/** The run is over; the last event. Token totals cover the steps that succeeded. */
export interface RunEndEvent extends EventBase {
  type: "run-end";
  status: RunStatus;
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
}

export type RunEvent =
  | RunStartEvent
  | StepStartEvent
  | StepDeltaEvent
  | StepRetryEvent
  | StepEndEvent
  | StepErrorEvent
  | RunEndEvent;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event before the orchestrator stamps it with `runId` and `seq`. */
export type RunEventInput = DistributiveOmit<RunEvent, "runId" | "seq">;
