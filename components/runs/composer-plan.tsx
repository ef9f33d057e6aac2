"use client";

import type { AgentView } from "@/lib/agents/agent-view";
import type { RunMode } from "@/lib/runs/run-view";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";

export const MODES: Array<{ value: RunMode; label: string; hint: string }> = [
  { value: "parallel", label: "Parallel", hint: "Every agent answers the task at once." },
  {
    value: "chain",
    label: "Chain",
    hint: "Each agent works on the previous agent's answer, in order.",
  },
  { value: "dag", label: "DAG", hint: "Steps run when the steps they depend on have finished." },
];

export function ModePicker(props: { mode: RunMode; onChange: (mode: RunMode) => void }) {
  return (
    <fieldset>
      <legend className="mb-2 text-sm font-medium text-slate-700">Mode</legend>
      <div
        className="inline-flex rounded-lg border border-slate-200 bg-slate-50 p-0.5"
        role="radiogroup"
        aria-label="Mode"
      >
        {MODES.map((m) => (
          <label
            key={m.value}
            className={`cursor-pointer rounded-md px-3 py-1 text-sm has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-indigo-500 ${props.mode === m.value ? "bg-white font-medium text-slate-900 shadow-sm" : "text-slate-600 hover:text-slate-900"}`}
          >
            <input
              type="radio"
              name="mode"
              value={m.value}
              className="sr-only"
              checked={props.mode === m.value}
              onChange={() => props.onChange(m.value)}
              data-testid={`run-mode-${m.value}`}
            />
            {m.label}
          </label>
        ))}
      </div>
      <p className="mt-1 text-xs text-slate-600">
        {MODES.find((m) => m.value === props.mode)?.hint}
      </p>
    </fieldset>
  );
}

/** The chain's order, with up/down buttons. */
export function ChainOrder(props: {
  chosen: AgentView[];
  onMove: (index: number, by: -1 | 1) => void;
}) {
  const { chosen } = props;
  return (
    <div data-testid="chain-order">
      <p className="mb-1 text-sm font-medium text-slate-700">Order</p>
      <ol className="space-y-1">
        {chosen.map((a, i) => (
          <li
            key={a.id}
            className="flex items-center gap-2 rounded-lg bg-slate-50 px-3 py-1.5 text-sm"
          >
            <span className="w-5 text-slate-600">{i + 1}.</span>
            <span className="font-medium">{a.name}</span>
            <span className="ml-auto flex gap-1">
              <Button
                variant="ghost"
                className="px-1.5 py-0.5"
                disabled={i === 0}
                onClick={() => props.onMove(i, -1)}
                aria-label={`Move ${a.name} up`}
              >
                ↑
              </Button>
              <Button
                variant="ghost"
                className="px-1.5 py-0.5"
                disabled={i === chosen.length - 1}
                onClick={() => props.onMove(i, 1)}
                aria-label={`Move ${a.name} down`}
              >
                ↓
              </Button>
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}

/** Each DAG step's dependencies, as checkboxes over the other chosen agents, and instructions. */
export function DagEditor(props: {
  chosen: AgentView[];
  deps: Readonly<Record<string, readonly string[]>>;
  onToggle: (stepId: string, depId: string, on: boolean) => void;
  /** Step keys by agent id, where they differ from the agent's name. */
  keys: Readonly<Record<string, string>>;
  /** Step instructions by agent id. */
  inputs: Readonly<Record<string, string>>;
  onInput: (stepId: string, text: string) => void;
}) {
  return (
    <div data-testid="dag-editor">
      <p className="mb-1 text-sm font-medium text-slate-700">Steps and dependencies</p>
      <ul className="space-y-2">
        {props.chosen.map((a) => {
          const others = props.chosen.filter((o) => o.id !== a.id);
          return (
            <li
              key={a.id}
              className="rounded-lg border border-slate-200 px-3 py-2"
              data-testid={`dag-step-${a.name}`}
            >
              <fieldset>
                <legend className="text-sm font-medium text-slate-800">
                  {a.name}
                  {props.keys[a.id] && props.keys[a.id] !== a.name ? (
                    <span className="ml-1 font-mono text-xs font-normal text-slate-600">
                      step {props.keys[a.id]}
                    </span>
                  ) : null}
                </legend>
                {others.length === 0 ? (
                  <p className="text-xs text-slate-600">No other steps to depend on.</p>
                ) : (
                  <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
                    <span className="text-slate-600">depends on:</span>
                    {others.map((o) => (
                      <label key={o.id} className="inline-flex items-center gap-1.5">
                        <input
                          type="checkbox"
                          className="accent-indigo-600"
                          checked={(props.deps[a.id] ?? []).includes(o.id)}
                          onChange={(e) => props.onToggle(a.id, o.id, e.target.checked)}
                          data-testid={`dag-dep-${a.name}-${o.name}`}
                        />
                        {o.name}
                      </label>
                    ))}
                  </div>
                )}
                <label className="mt-2 block text-xs text-slate-600">
                  Instructions for this step (optional)
                  <textarea
                    rows={2}
                    className={`${inputClass} mt-1 text-xs`}
                    value={props.inputs[a.id] ?? ""}
                    onChange={(e) => props.onInput(a.id, e.target.value)}
                    data-testid={`dag-input-${a.name}`}
                  />
                </label>
              </fieldset>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
