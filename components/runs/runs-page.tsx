import { Suspense } from "react";
import { RunComposer } from "./run-composer";
import { RunHistory } from "./run-history";

/** `fromRunId`: "Open in composer" on a run; the composer starts from that run. */
export function RunsPage({ fromRunId }: { fromRunId?: string }) {
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Runs</h1>
        <p className="mt-1 text-slate-600">
          Run one task on many agents at once, then find any past run again.
        </p>
      </div>
      <RunComposer fromRunId={fromRunId} />
      {/* The history reads its filters from the URL: rendered on the client only. */}
      <Suspense fallback={null}>
        <RunHistory />
      </Suspense>
    </div>
  );
}
