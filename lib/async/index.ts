/**
 * Shared async vocabulary: sleeping, timeouts and abort signals. Imports nothing server-only and
 * nothing above lib/errors, so every layer (orchestrator, cache, runs, browser helpers) can use it.
 */
export { abortableSleep, type Sleep } from "./abortable-sleep";
export { abortError, anySignal, createTimeout, raceAbort, type Timeout } from "./signals";
