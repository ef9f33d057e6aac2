import type { ModelCaller } from "@/lib/llm/types";
import type { BreakerRegistry, Semaphore } from "@/lib/orchestrator";
import type { ActiveRuns } from "./active-runs";
import type { RunEventLog } from "./event-log";

/** What executing runs needs from the process: built once by lib/runtime, injected in tests. */
export interface RunRuntime {
  instanceId: string;
  caller: ModelCaller;
  semaphore: Semaphore;
  breakers: BreakerRegistry;
  eventLog: RunEventLog;
  activeRuns: ActiveRuns;
  settings: {
    runConcurrency: number;
    attemptTimeoutMs: number;
    runDeadlineMs: number;
    maxAttempts: number;
  };
  log: { info(m: string): void; warn(m: string): void; error(m: string): void };
}
