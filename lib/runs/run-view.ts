/**
 * The JSON shapes of runs on the API (and so in the browser). Dates are ISO strings.
 * Browser code imports these with `import type`.
 */
import type { AttemptRecord } from "@/lib/orchestrator";

export type RunMode = "parallel" | "chain" | "dag";
export type RunStatus =
  "queued" | "running" | "succeeded" | "partial" | "failed" | "cancelled" | "interrupted";
export type StepStatus = "pending" | "running" | "succeeded" | "failed" | "cancelled" | "skipped";

export interface AgentSnapshotView {
  id?: string;
  name: string;
  model: string;
  system: string;
  temperature: number;
  maxTokens: number;
}

export interface RunStepView {
  key: string;
  position: number;
  agentId: string | null;
  agentName: string;
  agent: AgentSnapshotView;
  dependsOn: string[];
  status: StepStatus;
  output: string;
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
  startedAt: string | null;
  endedAt: string | null;
}

export interface RunSummary {
  id: string;
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
