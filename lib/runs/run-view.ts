/**
 * The JSON shapes of runs on the API (and so in the browser). Dates are ISO strings.
 * Browser code imports these with `import type`.
 */
import type { AgentSnapshot, AttemptRecord, StopReason } from "@/lib/orchestrator";

export type RunMode = "parallel" | "chain" | "dag";
export type RunStatus =
  "queued" | "running" | "succeeded" | "partial" | "failed" | "cancelled" | "interrupted";
export type StepStatus = "pending" | "running" | "succeeded" | "failed" | "cancelled" | "skipped";

/** A step's agent as the API shows it: the run's snapshot without its cache policy. */
export type AgentSnapshotView = Omit<AgentSnapshot, "cache">;

export interface RunStepView {
  key: string;
  position: number;
  agentId: string | null;
  agentName: string;
  agent: AgentSnapshotView;
  dependsOn: string[];
  /** A DAG step's own instructions, given after the task; null when it had none. */
  input: string | null;
  status: StepStatus;
  output: string;
  /** The step did not finish; `output` is the text it streamed before it stopped. */
  partial: boolean;
  /**
   * Not called: a retry of the failed steps of the run this one re-runs copied its answer from
   * there; it has no attempts, tokens or cost here.
   */
  copied: boolean;
  errorCode: string | null;
  errorMessage: string | null;
  attempts: number;
  attemptLog: AttemptRecord[];
  /** hit-memory | hit-db | miss | coalesced | bypass, or null before it ran. */
  cacheStatus: string | null;
  latencyMs: number | null;
  ttftMs: number | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Why the model stopped (end_turn, max_tokens, …); null until the step has an answer. */
  stopReason: StopReason | null;
  /** The model that answered: the agent's own or one of its fallbacks; null when none did. */
  answeredModel: string | null;
  startedAt: string | null;
  endedAt: string | null;
}

export interface RunSummary {
  id: string;
  /** The name the team gave the run, else the task's first words. */
  title: string;
  /** True when the team named it (title is not the default). */
  titled: boolean;
  /** Short lowercase labels, in the order they were given. */
  tags: string[];
  mode: RunMode;
  /** The first 300 characters of the task. */
  taskPreview: string;
  status: RunStatus;
  agentNames: string[];
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  latencyMs: number | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Steps served from the cache (hit-memory, hit-db or coalesced). */
  cachedSteps: number;
  stepCount: number;
}

export interface RunDetail extends Omit<RunSummary, "taskPreview"> {
  task: string;
  errorCode: string | null;
  errorMessage: string | null;
  rerunOfId: string | null;
  steps: RunStepView[];
}

export interface RunStatsBucket {
  /** Start of the bucket (ISO). */
  at: string;
  runs: number;
  succeeded: number;
  failed: number;
  avgLatencyMs: number | null;
}

/** What one step sent the model, and why the cache answered it or not. */
export interface StepTrace {
  key: string;
  model: string;
  /** The agent's system prompt as it ran ("" when it had none). */
  system: string;
  /** The user message exactly as sent: the task, the step's instructions, earlier answers. */
  content: string;
  /** The temperature sent; null when the model takes none (Opus 4.7 and later). */
  temperature: number | null;
  maxTokens: number;
  /** In plain words. */
  cacheReason: string;
}
