"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import type { AgentView } from "@/lib/agents/agent-view";
import type { RunMode } from "@/lib/runs/run-view";
import { useAgents } from "@/lib/query/agents";
import { errorMessage } from "@/lib/query/fetch-json";
import { buildRunInput, type ComposerChoices, composerProblem } from "@/lib/query/run-input";
import type { ComposerPrefill } from "@/lib/query/run-prefill";
import { type CacheMode, useCreateRun } from "@/lib/query/runs";
import { templatePrefill } from "@/lib/query/templates";
import type { TemplateView } from "@/lib/templates/template-view";
import { Card } from "@/components/ui/card";
import { ComposerAgents } from "./composer-agents";
import { ComposerTemplateNote, ComposerTemplates } from "./composer-templates";
import { type ComposerSource, ComposerSourceNote, useComposerSource } from "./composer-source";
import { ChainOrder, DagEditor, ModePicker } from "./composer-plan";
import { SubmitBar, TaskField } from "./composer-task";

/** Swaps two neighbours of a list; the list itself when `index + by` is out of range. */
function swapped<T>(list: readonly T[], index: number, by: -1 | 1): T[] {
  const next = [...list];
  const a = next[index];
  const b = next[index + by];
  if (a === undefined || b === undefined) return next;
  next[index] = b;
  next[index + by] = a;
  return next;
}

/** The list with `id` added at the end (on) or removed (off). */
function toggled(list: readonly string[], id: string, on: boolean): string[] {
  const rest = list.filter((x) => x !== id);
  return on ? [...rest, id] : rest;
}

/** A saved template loaded into the composer; `load` counts loads, so loading again resets it. */
interface LoadedTemplate {
  id: string;
  name: string;
  cacheMode: CacheMode;
  prefill: ComposerPrefill;
  load: number;
}

/**
 * Pick agents, a mode and a task; Run creates the run and opens its live view. With `fromRunId`
 * ("Open in composer" on a run), it starts from that run's mode, task, agents and DAG; loading a
 * saved template starts it over from the template.
 */
export function RunComposer({ fromRunId }: { fromRunId?: string }) {
  const agents = useAgents();
  const source = useComposerSource(fromRunId, agents.data);
  const [template, setTemplate] = useState<LoadedTemplate | null>(null);
  const loadTemplate = (t: TemplateView) =>
    setTemplate((previous) => ({
      id: t.id,
      name: t.name,
      cacheMode: t.cacheMode,
      prefill: templatePrefill(t, agents.data ?? []),
      load: (previous?.load ?? 0) + 1,
    }));
  if (source.state === "loading") {
    return (
      <Card className="p-5" data-testid="run-composer-loading">
        <p className="text-sm text-slate-600">Loading the run to start from…</p>
      </Card>
    );
  }
  // Keyed: the form's state starts from the prefill once it has loaded.
  return (
    <ComposerForm
      key={
        template
          ? `template-${template.load}`
          : source.state === "ready"
            ? `from-${fromRunId}`
            : "blank"
      }
      agents={agents}
      source={source}
      template={template}
      onLoadTemplate={loadTemplate}
    />
  );
}

/** Creates the run from the choices and opens its live view; the server's refusal, in words. */
function useSubmitRun(choices: ComposerChoices) {
  const router = useRouter();
  const createRun = useCreateRun();
  const [error, setError] = useState<string | null>(null);
  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    if (createRun.isPending) return;
    const built = buildRunInput(choices);
    if (!built.ok) return setError(built.problem);
    try {
      const { id } = await createRun.mutateAsync(built.input);
      router.push(`/runs/${id}`);
    } catch (e) {
      setError(errorMessage(e));
    }
  }
  return { onSubmit, error, pending: createRun.isPending };
}

/** Where the composer's choices came from: a loaded template, else the run it was opened from. */
function StartingPointNote(props: { template: LoadedTemplate | null; source: ComposerSource }) {
  return props.template ? (
    <ComposerTemplateNote name={props.template.name} notes={props.template.prefill.notes} />
  ) : (
    <ComposerSourceNote source={props.source} />
  );
}

function ComposerForm({
  agents,
  source,
  template,
  onLoadTemplate,
}: {
  agents: ReturnType<typeof useAgents>;
  source: ComposerSource;
  template: LoadedTemplate | null;
  onLoadTemplate: (template: TemplateView) => void;
}) {
  const initial = template?.prefill ?? (source.state === "ready" ? source.prefill : null);
  const [selected, setSelected] = useState<string[]>(initial?.selected ?? []);
  const [mode, setMode] = useState<RunMode>(initial?.mode ?? "parallel");
  const [deps, setDeps] = useState<Record<string, string[]>>(initial?.deps ?? {});
  const [inputs, setInputs] = useState<Record<string, string>>(initial?.inputs ?? {});
  const [task, setTask] = useState(initial?.task ?? "");
  const [cacheMode, setCacheMode] = useState<CacheMode>(template?.cacheMode ?? "default");

  const byId = new Map((agents.data ?? []).map((a) => [a.id, a] as const));
  const chosen = selected.map((id) => byId.get(id)).filter((a): a is AgentView => Boolean(a));
  const keys = initial?.keys ?? {};
  const choices = { agents: chosen, mode, task, cacheMode, deps, inputs, keys };
  const { onSubmit, error, pending } = useSubmitRun(choices);
  const problem = composerProblem(choices);

  const toggle = (id: string, on: boolean) => setSelected((s) => toggled(s, id, on));
  const toggleDep = (stepId: string, depId: string, on: boolean) =>
    setDeps((d) => ({ ...d, [stepId]: toggled(d[stepId] ?? [], depId, on) }));

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
        <StartingPointNote template={template} source={source} />
        <ComposerTemplates choices={choices} loadedId={template?.id} onLoad={onLoadTemplate} />
        <div className="mt-4 grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,1.4fr)]">
          <div className="min-w-0 space-y-5">
            <ComposerAgents agents={agents} selected={selected} onToggle={toggle} />
            <ModePicker mode={mode} onChange={setMode} />
            {mode === "chain" && chosen.length > 1 ? (
              <ChainOrder
                chosen={chosen}
                onMove={(i, by) => setSelected((s) => swapped(s, i, by))}
              />
            ) : null}
            {mode === "dag" && chosen.length > 0 ? (
              <DagEditor
                chosen={chosen}
                deps={deps}
                onToggle={toggleDep}
                keys={keys}
                inputs={inputs}
                onInput={(id, text) => setInputs((all) => ({ ...all, [id]: text }))}
              />
            ) : null}
          </div>
          <div className="flex min-w-0 flex-col gap-4">
            <TaskField task={task} onChange={setTask} />
            <SubmitBar
              cacheMode={cacheMode}
              onCacheMode={setCacheMode}
              agentCount={chosen.length}
              pending={pending}
              problem={problem}
              error={error}
            />
          </div>
        </div>
      </form>
    </Card>
  );
}
