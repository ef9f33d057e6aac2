"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import type { AgentView } from "@/lib/agents/agent-view";
import type { RunMode } from "@/lib/runs/run-view";
import { useAgents } from "@/lib/query/agents";
import { errorMessage } from "@/lib/query/api";
import {
  type CacheMode,
  type CreateRunInput,
  MAX_TASK_CHARS,
  useCreateRun,
} from "@/lib/query/runs";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { inputClass } from "@/components/ui/field";
import { formatInt } from "@/components/ui/format";
import { Skeleton } from "@/components/ui/skeleton";
import { findCycle } from "./dag";

const MODES: Array<{ value: RunMode; label: string; hint: string }> = [
  { value: "parallel", label: "Parallel", hint: "Every agent answers the task at once." },
  {
    value: "chain",
    label: "Chain",
    hint: "Each agent works on the previous agent's answer, in order.",
  },
  { value: "dag", label: "DAG", hint: "Steps run when the steps they depend on have finished." },
];

const CACHE_MODES: Array<{ value: CacheMode; label: string }> = [
  { value: "default", label: "Default — use the cache where the agent allows" },
  { value: "bypass", label: "Bypass — never read or write the cache" },
  { value: "refresh", label: "Refresh — call the model and overwrite the cache" },
];

/** Pick agents, a mode and a task; Run creates the run and opens its live view. */
export function RunComposer() {
  const router = useRouter();
  const agents = useAgents();
  const createRun = useCreateRun();
  const [selected, setSelected] = useState<string[]>([]);
  const [mode, setMode] = useState<RunMode>("parallel");
  const [deps, setDeps] = useState<Record<string, string[]>>({});
  const [task, setTask] = useState("");
  const [cacheMode, setCacheMode] = useState<CacheMode>("default");
  const [error, setError] = useState<string | null>(null);

  const byId = new Map((agents.data ?? []).map((a) => [a.id, a] as const));
  const chosen = selected.map((id) => byId.get(id)).filter((a): a is AgentView => Boolean(a));
  const nameOf = (id: string) => byId.get(id)?.name ?? id;

  const dagDeps: Record<string, string[]> = Object.fromEntries(
    chosen.map((a) => [a.name, (deps[a.id] ?? []).filter((d) => selected.includes(d)).map(nameOf)]),
  );
  const cycle = mode === "dag" ? findCycle(dagDeps) : null;
  const taskTooLong = task.length > MAX_TASK_CHARS;

  const problem =
    chosen.length === 0
      ? "Pick at least one agent."
      : task.trim().length === 0
        ? "Write a task."
        : taskTooLong
          ? `The task is ${formatInt(task.length - MAX_TASK_CHARS)} characters too long.`
          : cycle
            ? `The steps depend on each other in a cycle: ${cycle.join(" → ")}.`
            : null;

  function toggle(id: string, on: boolean) {
    setSelected((s) => (on ? [...s.filter((x) => x !== id), id] : s.filter((x) => x !== id)));
  }

  function move(index: number, by: -1 | 1) {
    setSelected((s) => {
      const next = [...s];
      const target = index + by;
      const a = next[index];
      const b = next[target];
      if (a === undefined || b === undefined) return s;
      next[index] = b;
      next[target] = a;
      return next;
    });
  }

  function toggleDep(stepId: string, depId: string, on: boolean) {
    setDeps((d) => {
      const current = d[stepId] ?? [];
      return { ...d, [stepId]: on ? [...current, depId] : current.filter((x) => x !== depId) };
    });
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    if (problem) return setError(problem);
    const cache = cacheMode === "default" ? undefined : { mode: cacheMode };
    const input: CreateRunInput =
      mode === "dag"
        ? {
            mode,
            task,
            cache,
            steps: chosen.map((a) => ({
              key: a.name,
              agent: a.id,
              dependsOn: dagDeps[a.name] ?? [],
            })),
          }
        : { mode, task, cache, agents: chosen.map((a) => a.id) };
    try {
      const { id } = await createRun.mutateAsync(input);
      router.push(`/runs/${id}`);
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  return (
    <Card className="p-5">
      <form
        onSubmit={onSubmit}
        noValidate
        data-testid="run-composer"
        aria-labelledby="composer-heading"
      >
        <h2 id="composer-heading" className="text-lg font-semibold tracking-tight">
          New run
        </h2>

        <div className="mt-4 grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,1.4fr)]">
          <div className="space-y-5">
            <fieldset>
              <legend className="mb-2 text-sm font-medium text-slate-700">Agents</legend>
              {agents.isPending ? (
                <div className="space-y-2">
                  <Skeleton className="h-8" />
                  <Skeleton className="h-8" />
                  <Skeleton className="h-8" />
                </div>
              ) : agents.isError ? (
                <p role="alert" className="text-sm text-rose-600">
                  Could not load the agents: {errorMessage(agents.error)}
                </p>
              ) : agents.data.length === 0 ? (
                <p className="text-sm text-slate-500">
                  No agents yet — create some on the{" "}
                  <Link href="/agents" className="font-medium text-indigo-600 underline">
                    Agents page
                  </Link>
                  .
                </p>
              ) : (
                <ul className="grid gap-1.5 sm:grid-cols-2 lg:grid-cols-1 xl:grid-cols-2">
                  {agents.data.map((agent) => {
                    const checked = selected.includes(agent.id);
                    return (
                      <li key={agent.id}>
                        <label
                          className={`flex cursor-pointer items-center gap-2 rounded-lg border px-3 py-2 text-sm has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-indigo-500/40 ${checked ? "border-indigo-300 bg-indigo-50/60" : "border-slate-200 hover:bg-slate-50"}`}
                        >
                          <input
                            type="checkbox"
                            className="h-4 w-4 accent-indigo-600"
                            checked={checked}
                            onChange={(e) => toggle(agent.id, e.target.checked)}
                            data-testid={`composer-agent-${agent.name}`}
                          />
                          <span className="font-medium text-slate-800">{agent.name}</span>
                          <span className="ml-auto truncate font-mono text-xs text-slate-400">
                            {agent.model}
                          </span>
                        </label>
                      </li>
                    );
                  })}
                </ul>
              )}
            </fieldset>

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
                    className={`cursor-pointer rounded-md px-3 py-1 text-sm has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-indigo-500/40 ${mode === m.value ? "bg-white font-medium text-slate-900 shadow-sm" : "text-slate-600 hover:text-slate-900"}`}
                  >
                    <input
                      type="radio"
                      name="mode"
                      value={m.value}
                      className="sr-only"
                      checked={mode === m.value}
                      onChange={() => setMode(m.value)}
                      data-testid={`run-mode-${m.value}`}
                    />
                    {m.label}
                  </label>
                ))}
              </div>
              <p className="mt-1 text-xs text-slate-500">
                {MODES.find((m) => m.value === mode)?.hint}
              </p>
            </fieldset>

            {mode === "chain" && chosen.length > 1 ? (
              <div data-testid="chain-order">
                <p className="mb-1 text-sm font-medium text-slate-700">Order</p>
                <ol className="space-y-1">
                  {chosen.map((a, i) => (
                    <li
                      key={a.id}
                      className="flex items-center gap-2 rounded-lg bg-slate-50 px-3 py-1.5 text-sm"
                    >
                      <span className="w-5 text-slate-400">{i + 1}.</span>
                      <span className="font-medium">{a.name}</span>
                      <span className="ml-auto flex gap-1">
                        <Button
                          variant="ghost"
                          className="px-1.5 py-0.5"
                          disabled={i === 0}
                          onClick={() => move(i, -1)}
                          aria-label={`Move ${a.name} up`}
                        >
                          ↑
                        </Button>
                        <Button
                          variant="ghost"
                          className="px-1.5 py-0.5"
                          disabled={i === chosen.length - 1}
                          onClick={() => move(i, 1)}
                          aria-label={`Move ${a.name} down`}
                        >
                          ↓
                        </Button>
                      </span>
                    </li>
                  ))}
                </ol>
              </div>
            ) : null}

            {mode === "dag" && chosen.length > 0 ? (
              <div data-testid="dag-editor">
                <p className="mb-1 text-sm font-medium text-slate-700">Steps and dependencies</p>
                <ul className="space-y-2">
                  {chosen.map((a) => {
                    const others = chosen.filter((o) => o.id !== a.id);
                    return (
                      <li
                        key={a.id}
                        className="rounded-lg border border-slate-200 px-3 py-2"
                        data-testid={`dag-step-${a.name}`}
                      >
                        <fieldset>
                          <legend className="text-sm font-medium text-slate-800">{a.name}</legend>
                          {others.length === 0 ? (
                            <p className="text-xs text-slate-500">No other steps to depend on.</p>
                          ) : (
                            <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
                              <span className="text-slate-400">depends on:</span>
                              {others.map((o) => (
                                <label key={o.id} className="inline-flex items-center gap-1.5">
                                  <input
                                    type="checkbox"
                                    className="accent-indigo-600"
                                    checked={(deps[a.id] ?? []).includes(o.id)}
                                    onChange={(e) => toggleDep(a.id, o.id, e.target.checked)}
                                    data-testid={`dag-dep-${a.name}-${o.name}`}
                                  />
                                  {o.name}
                                </label>
                              ))}
                            </div>
                          )}
                        </fieldset>
                      </li>
                    );
                  })}
                </ul>
              </div>
            ) : null}
          </div>

          <div className="flex flex-col gap-4">
            <div className="flex flex-1 flex-col">
              <div className="mb-1 flex items-baseline justify-between">
                <label htmlFor="run-task" className="text-sm font-medium text-slate-700">
                  Task
                </label>
                <span
                  id="run-task-count"
                  data-testid="run-task-count"
                  aria-live="polite"
                  className={`text-xs tabular-nums ${taskTooLong ? "font-medium text-rose-600" : "text-slate-500"}`}
                >
                  {formatInt(task.length)} / {formatInt(MAX_TASK_CHARS)}
                </span>
              </div>
              <textarea
                id="run-task"
                data-testid="run-task"
                rows={8}
                aria-invalid={taskTooLong}
                aria-describedby="run-task-count"
                placeholder="What should the agents do?"
                className={`${inputClass} min-h-40 flex-1 resize-y`}
                value={task}
                onChange={(e) => setTask(e.target.value)}
              />
            </div>
            <div className="flex flex-wrap items-end gap-3">
              <div className="min-w-0 flex-1">
                <label
                  htmlFor="run-cache-mode"
                  className="mb-1 block text-sm font-medium text-slate-700"
                >
                  Cache
                </label>
                <select
                  id="run-cache-mode"
                  data-testid="run-cache-mode"
                  className={inputClass}
                  value={cacheMode}
                  onChange={(e) => setCacheMode(e.target.value as CacheMode)}
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
                disabled={createRun.isPending || Boolean(problem)}
                data-testid="run-submit"
                title={problem ?? undefined}
              >
                {createRun.isPending
                  ? "Starting…"
                  : chosen.length === 0
                    ? "Run"
                    : `Run on ${chosen.length} agent${chosen.length === 1 ? "" : "s"}`}
              </Button>
            </div>
            {error ? (
              <p
                role="alert"
                className="rounded-lg bg-rose-50 px-3 py-2 text-sm text-rose-700"
                data-testid="run-composer-error"
              >
                {error}
              </p>
            ) : problem && (chosen.length > 0 || task.length > 0) ? (
              <p className="text-xs text-slate-500" data-testid="run-composer-problem">
                {problem}
              </p>
            ) : null}
          </div>
        </div>
      </form>
    </Card>
  );
}
