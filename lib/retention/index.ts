import "server-only";
export { DEFAULT_RETENTION, cutoff, type RetentionPolicy, type SweepCounts } from "./policy";
export { scheduleRetention } from "./schedule";
export { sweepRetention } from "./sweep";
