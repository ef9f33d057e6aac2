import { useInfiniteQuery, useMutation, useQuery } from "@tanstack/react-query";
import type {
  RunDetail,
  RunMode,
  RunStatsBucket,
  RunStatus,
  RunSummary,
} from "@/lib/runs/run-view";
import { ACTIVE_RUN_STATUSES } from "@/lib/runs/status";
import { fetchJson, postJson } from "./fetch-json";

export type CacheMode = "default" | "bypass" | "refresh";

export interface DagStepInput {
  key: string;
  agent: string;
  dependsOn: string[];
  input?: string;
}

/** The body of POST /api/runs. */
export type CreateRunInput =
  | { mode: Exclude<RunMode, "dag">; task: string; agents: string[]; cache?: { mode: CacheMode } }
  | { mode: "dag"; task: string; steps: DagStepInput[]; cache?: { mode: CacheMode } };

export interface RunFilters {
  status?: RunStatus | "";
  agent?: string;
  tag?: string;
  q?: string;
}

interface RunPage {
  runs: RunSummary[];
  nextCursor: string | null;
}

export const MAX_TASK_CHARS = 100_000;
export const HISTORY_PAGE_SIZE = 20;

export const runKeys = {
  history: (filters: RunFilters) => ["runs", "history", filters] as const,
  stats: (days: number) => ["runs", "stats", days] as const,
  detail: (id: string) => ["runs", "detail", id] as const,
};

export function useRunHistory(filters: RunFilters) {
  return useInfiniteQuery({
    queryKey: runKeys.history(filters),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => {
      const params = new URLSearchParams({ limit: String(HISTORY_PAGE_SIZE) });
      if (filters.status) params.set("status", filters.status);
      if (filters.agent) params.set("agent", filters.agent);
      if (filters.tag) params.set("tag", filters.tag);
      if (filters.q) params.set("q", filters.q);
      if (pageParam) params.set("cursor", pageParam);
      return fetchJson<RunPage>(`/api/runs?${params}`, { signal });
    },
    getNextPageParam: (last) => last.nextCursor,
    // Keep rows of runs still in flight fresh without a manual reload.
    refetchInterval: (query) =>
      query.state.data?.pages.some((p) =>
        p.runs.some((r) => ACTIVE_RUN_STATUSES.includes(r.status)),
      )
        ? 3_000
        : false,
  });
}

export function useRunStats(days = 14) {
  return useQuery({
    queryKey: runKeys.stats(days),
    queryFn: async ({ signal }) =>
      (await fetchJson<{ buckets: RunStatsBucket[] }>(`/api/runs/stats?days=${days}`, { signal }))
        .buckets,
  });
}

export function fetchRun(id: string, signal?: AbortSignal): Promise<RunDetail> {
  return fetchJson<{ run: RunDetail }>(`/api/runs/${encodeURIComponent(id)}`, { signal }).then(
    (body) => body.run,
  );
}

export function useCreateRun() {
  return useMutation({
    mutationFn: (input: CreateRunInput) => postJson<{ id: string }>("/api/runs", input),
  });
}

export function useCancelRun(id: string) {
  return useMutation({
    mutationFn: () =>
      postJson<{ status: string }>(`/api/runs/${encodeURIComponent(id)}/cancel`, {}),
  });
}

export function useRerun(id: string) {
  return useMutation({
    mutationFn: () => postJson<{ id: string }>(`/api/runs/${encodeURIComponent(id)}/rerun`, {}),
  });
}

/** Re-runs only the steps that did not succeed; the others' answers are copied. */
export function useRetryFailed(id: string) {
  return useMutation({
    mutationFn: () =>
      postJson<{ id: string }>(`/api/runs/${encodeURIComponent(id)}/rerun`, { only: "failed" }),
  });
}
