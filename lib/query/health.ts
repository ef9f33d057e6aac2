import type { HealthReport } from "@/lib/health-view";

/**
 * GET /api/health. Not through fetchJson: the route answers 503 with a full report when a
 * dependency is down, and that report is what the status panel shows.
 */
export async function getHealth(signal?: AbortSignal): Promise<HealthReport> {
  const response = await fetch("/api/health", { signal, headers: { accept: "application/json" } });
  return (await response.json()) as HealthReport;
}
