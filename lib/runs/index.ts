export { cancelRun } from "./cancel-run";
export { getRunDetail, getRunStats, listRuns } from "./queries";
export { rerunRun } from "./rerun";
export { runEventStream } from "./run-event-stream";
export { listRunsSchema, runStatsSchema, startRunSchema } from "./run-schema";
export type * from "./run-view";
export { startRun } from "./start-run";
export type { RunStreamEvent } from "./stream-events";
