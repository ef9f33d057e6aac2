import type { ModelCaller } from "@/lib/llm/types";
import type { BreakerRegistry, FairSemaphore } from "@/lib/orchestrator";
import type { ActiveRuns } from "./active-runs";
import type { RunEventLog } from "./event-log";

/** What executing runs needs from the process: built once by lib/runtime, injected in tests. */
export interface RunRuntime {
  instanceId: string;
  caller: ModelCaller;
  /** Upstream permits shared by every run of the process, fair across teams. */
  semaphore: FairSemaphore;
  /** Per-model circuit breakers; already inside `caller`, here for status pages. */
  breakers: BreakerRegistry;
  eventLog: RunEventLog;
  activeRuns: ActiveRuns;
  settings: {
    runConcurrency: number;
    attemptTimeoutMs: number;
    runDeadlineMs: number;
    maxAttempts: number;
  };
  /** Stops the claim loop (shutdown): this process takes over no more runs. */
  stopClaiming?(): void;
  /** Told of each run's final status (metrics). */
  onRunEnd?(status: string): void;
  log: { info(m: string): void; warn(m: string): void; error(m: string): void };
}
