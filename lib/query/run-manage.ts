import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { StepTrace } from "@/lib/runs/run-view";
import { fetchJson, postJson } from "./fetch-json";
import { fetchRun } from "./runs";

const runUrl = (id: string) => `/api/runs/${encodeURIComponent(id)}`;

/** Where the browser downloads a run as a file. */
export const runExportUrl = (id: string, format: "json" | "md") =>
  `${runUrl(id)}/export?format=${format}`;

/** Renames a run; an empty title goes back to the task's first words. */
export function useRenameRun(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (title: string) =>
      postJson<{ run: { id: string; title: string; titled: boolean } }>(
        runUrl(id),
        { title },
        { method: "PATCH" },
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ["runs", "history"] }),
  });
}

/** Replaces a run's tags; the server lowercases them, drops duplicates, and refuses bad ones. */
export function useTagRun(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (tags: string[]) =>
      postJson<{ run: { id: string; title: string; titled: boolean; tags: string[] } }>(
        runUrl(id),
        { tags },
        { method: "PATCH" },
      ),
    onSuccess: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: ["runs", "history"] }),
        client.invalidateQueries({ queryKey: ["runs", "tags"] }),
      ]),
  });
}

/** The tags the team's runs carry, most used first (the history's tag filter). */
export function useRunTags() {
  return useQuery({
    queryKey: ["runs", "tags"],
    queryFn: async ({ signal }) =>
      (await fetchJson<{ tags: { tag: string; runs: number }[] }>("/api/runs/tags", { signal }))
        .tags,
  });
}

/** "Bug, API  v2" → ["bug", "api", "v2"]: tags typed in one box, split on commas and spaces. */
export function parseTagText(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
}

/** Deletes a finished run (owners and admins). */
export function useDeleteRun(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => fetchJson<null>(runUrl(id), { method: "DELETE" }),
    onSuccess: () => client.invalidateQueries({ queryKey: ["runs"] }),
  });
}

/** What the timeline needs: the stored run (attempts, times) and its trace (inputs, cache story). */
export function useRunTimelineData(id: string, status: string) {
  // Keyed by status: a run that ends has new rows to draw.
  return useQuery({
    queryKey: ["runs", "timeline", id, status],
    queryFn: async ({ signal }) => {
      const [run, trace] = await Promise.all([
        fetchRun(id, signal),
        fetchJson<{ steps: StepTrace[] }>(`${runUrl(id)}/trace`, { signal }),
      ]);
      return { run, trace: new Map(trace.steps.map((s) => [s.key, s])) };
    },
  });
}
