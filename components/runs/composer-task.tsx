"use client";

import type { KeyboardEvent } from "react";
import { formatInt } from "@/lib/query/format";
import { type CacheMode, MAX_TASK_CHARS } from "@/lib/query/runs";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";

const CACHE_MODES: Array<{ value: CacheMode; label: string }> = [
  { value: "default", label: "Default — use the cache where the agent allows" },
  { value: "bypass", label: "Bypass — never read or write the cache" },
  { value: "refresh", label: "Refresh — call the model and overwrite the cache" },
];

/** The task box with its character count; Ctrl/Cmd+Enter submits the form. */
export function TaskField(props: { task: string; onChange: (task: string) => void }) {
  const tooLong = props.task.length > MAX_TASK_CHARS;
  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      event.currentTarget.form?.requestSubmit();
    }
  }
  return (
    <div className="flex flex-1 flex-col">
      <div className="mb-1 flex items-baseline justify-between">
        <label htmlFor="run-task" className="text-sm font-medium text-slate-700">
          Task
        </label>
        <span
          id="run-task-count"
          data-testid="run-task-count"
          aria-live="polite"
          className={`text-xs tabular-nums ${tooLong ? "font-medium text-rose-700" : "text-slate-600"}`}
        >
          {formatInt(props.task.length)} / {formatInt(MAX_TASK_CHARS)}
        </span>
      </div>
      <textarea
        id="run-task"
        data-testid="run-task"
        rows={8}
        aria-invalid={tooLong}
        aria-describedby="run-task-count run-task-hint"
        placeholder="What should the agents do?"
        className={`${inputClass} min-h-40 flex-1 resize-y`}
        value={props.task}
        onChange={(e) => props.onChange(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <p id="run-task-hint" className="mt-1 text-xs text-slate-600">
        <kbd className="font-sans">Ctrl</kbd>/<kbd className="font-sans">⌘</kbd>+
        <kbd className="font-sans">Enter</kbd> runs.
      </p>
    </div>
  );
}

/** The cache mode, the Run button, and why it is disabled (always in words, not only a tooltip). */
export function SubmitBar(props: {
  cacheMode: CacheMode;
  onCacheMode: (mode: CacheMode) => void;
  agentCount: number;
  pending: boolean;
  problem: string | null;
  error: string | null;
}) {
  const { agentCount, problem, error } = props;
  return (
    <>
      <div className="flex flex-wrap items-end gap-3">
        <div className="min-w-0 flex-1">
          <label htmlFor="run-cache-mode" className="mb-1 block text-sm font-medium text-slate-700">
            Cache
          </label>
          <select
            id="run-cache-mode"
            data-testid="run-cache-mode"
            className={inputClass}
            value={props.cacheMode}
            onChange={(e) => props.onCacheMode(e.target.value as CacheMode)}
          >
            {CACHE_MODES.map((m) => (
              <option key={m.value} value={m.value}>
                {m.label}
              </option>
            ))}
          </select>
        </div>
        <Button
          type="submit"
          variant="primary"
          className="px-5 py-2"
          disabled={props.pending || Boolean(problem)}
          data-testid="run-submit"
          aria-describedby={problem ? "run-composer-problem" : undefined}
        >
          {props.pending
            ? "Starting…"
            : agentCount === 0
              ? "Run"
              : `Run on ${agentCount} agent${agentCount === 1 ? "" : "s"}`}
        </Button>
      </div>
      {error ? (
        <p
          role="alert"
          className="rounded-lg bg-rose-50 px-3 py-2 text-sm text-rose-800"
          data-testid="run-composer-error"
        >
          {error}
        </p>
      ) : problem ? (
        <p
          id="run-composer-problem"
          className="text-xs text-slate-600"
          data-testid="run-composer-problem"
        >
          {problem}
        </p>
      ) : null}
    </>
  );
}
