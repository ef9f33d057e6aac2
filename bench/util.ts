/** Small measurement helpers shared by the bench groups. Numbers are measured, never assumed. */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

export const RESULTS_DIR = path.resolve(process.cwd(), "bench/results");

/** One row of the final table. `value` is the raw number the target is judged on. */
export interface Row {
  id: string;
  benchmark: string;
  result: string;
  target: string;
  /** true/false when there is a target; null when the row is informational. */
  met: boolean | null;
  value?: number;
  details?: Record<string, unknown>;
}

export interface GroupResult {
  group: string;
  rows: Row[];
  notes: string[];
  durationMs: number;
}

/** Nanosecond-resolution clock, in milliseconds. */
export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    n: sorted.length,
    min: sorted[0] ?? NaN,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
    mean: sorted.length ? sum / sorted.length : NaN,
  };
}

/** Rounds every number in a summary for printing / JSON. */
export function rounded<T extends object>(value: T, digits = 3): T {
  const f = 10 ** digits;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, typeof v === "number" ? Math.round(v * f) / f : v]),
  ) as T;
}

export const fmtMs = (ms: number): string =>
  ms < 1
    ? `${(ms * 1000).toFixed(1)} µs`
    : ms < 1000
      ? `${ms.toFixed(2)} ms`
      : `${(ms / 1000).toFixed(3)} s`;

export const fmtMB = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

export async function writeGroup(result: GroupResult): Promise<void> {
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(
    path.join(RESULTS_DIR, `group-${result.group}.json`),
    JSON.stringify(result, null, 2),
  );
}

/** Gives the event loop a turn (lets background writes and timers run between samples). */
export const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
