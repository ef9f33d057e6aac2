import type { Phase, PhaseKind } from "@/lib/query/run-timeline";

/** Colour and legend word of each phase (colour is never the only cue: the list says it too). */
export const PHASE_STYLE: Record<PhaseKind, { bar: string; word: string }> = {
  queued: { bar: "bg-slate-300", word: "queued" },
  "attempt-failed": { bar: "bg-rose-500", word: "failed attempt" },
  backoff: { bar: "bg-amber-400", word: "backoff" },
  waiting: { bar: "bg-sky-300", word: "waiting for first text" },
  streaming: { bar: "bg-indigo-500", word: "streaming" },
};

const pct = (ms: number, totalMs: number) => `${Math.max(0, Math.min(100, (ms / totalMs) * 100))}%`;

/** One step's phases on the run's time axis; decorative (the list beside it carries the words). */
export function TimelineBar(props: { phases: Phase[]; totalMs: number; endMs: number | null }) {
  return (
    <div className="relative h-4 w-full overflow-hidden rounded bg-slate-100" aria-hidden>
      {props.phases.map((p, i) => (
        <div
          key={i}
          className={`absolute inset-y-0 ${PHASE_STYLE[p.kind].bar}`}
          style={{
            left: pct(p.startMs, props.totalMs),
            // At least a sliver, so a 2 ms phase on a 20 s axis is still seen.
            width: `max(2px, ${pct(p.durationMs, props.totalMs)})`,
          }}
          title={p.label}
        />
      ))}
      {props.endMs !== null ? (
        <div
          className="absolute inset-y-0 w-0.5 bg-slate-900"
          style={{ left: `min(calc(100% - 2px), ${pct(props.endMs, props.totalMs)})` }}
        />
      ) : null}
    </div>
  );
}

export function TimelineLegend() {
  return (
    <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-700" aria-label="Legend">
      {Object.values(PHASE_STYLE).map((s) => (
        <li key={s.word} className="flex items-center gap-1.5">
          <span className={`inline-block h-2.5 w-4 rounded-sm ${s.bar}`} aria-hidden />
          {s.word}
        </li>
      ))}
      <li className="flex items-center gap-1.5">
        <span className="inline-block h-3 w-0.5 bg-slate-900" aria-hidden />
        end
      </li>
    </ul>
  );
}
