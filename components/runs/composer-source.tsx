"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { AgentView } from "@/lib/agents/agent-view";
import { errorMessage } from "@/lib/query/fetch-json";
import { type ComposerPrefill, composerPrefill } from "@/lib/query/run-prefill";
import { fetchRun } from "@/lib/query/runs";

/** The run the composer starts from ("Open in composer"), as far as it has loaded. */
export type ComposerSource =
  /** A blank composer. */
  | { state: "none" }
  /** The run or the agents are still loading. */
  | { state: "loading" }
  /** The run could not be read (deleted, another team's, offline). */
  | { state: "error"; runId: string; message: string }
  /** Ready: the composer starts from `prefill`. */
  | { state: "ready"; runId: string; title: string; prefill: ComposerPrefill };

export function useComposerSource(
  runId: string | undefined,
  agents: AgentView[] | undefined,
): ComposerSource {
  const run = useQuery({
    queryKey: ["runs", "composer-source", runId ?? ""],
    queryFn: ({ signal }) => fetchRun(runId!, signal),
    enabled: Boolean(runId),
    retry: false,
  });
  if (!runId) return { state: "none" };
  if (run.isError) return { state: "error", runId, message: errorMessage(run.error) };
  // Without the agents list (a failed load shows its own error), nothing can be matched.
  if (!run.data || !agents) return { state: "loading" };
  return {
    state: "ready",
    runId,
    title: run.data.title,
    prefill: composerPrefill(run.data, agents),
  };
}

/** Which run the composer was prefilled from, and what it could not carry over. */
export function ComposerSourceNote({ source }: { source: ComposerSource }) {
  if (source.state === "error") {
    return (
      <p role="alert" className="mt-2 rounded-lg bg-rose-50 px-3 py-2 text-sm text-rose-800">
        Could not open run {source.runId.slice(0, 8)} in the composer: {source.message}
      </p>
    );
  }
  if (source.state !== "ready") return null;
  return (
    <div className="mt-2 space-y-1 text-sm" data-testid="composer-source">
      <p className="text-slate-600">
        Prefilled from{" "}
        <Link href={`/runs/${source.runId}`} className="font-medium text-indigo-700 underline">
          {source.title}
        </Link>
        . Change anything, then run it as a new run.
      </p>
      {source.prefill.notes.length > 0 ? (
        <ul
          role="note"
          className="list-disc space-y-0.5 rounded-lg bg-amber-50 py-2 pl-7 pr-3 text-amber-900"
          data-testid="composer-source-notes"
        >
          {source.prefill.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
