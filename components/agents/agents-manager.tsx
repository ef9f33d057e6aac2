"use client";

import { type ChangeEvent, useRef, useState } from "react";
import type { AgentView } from "@/lib/agents/agent-view";
import { AGENTS_EXPORT_URL, useAgents, useDeleteAgent, useImportAgents } from "@/lib/query/agents";
import { errorMessage } from "@/lib/query/api";
import { Button, buttonClass } from "@/components/ui/button";
import { ConfirmDialog, Dialog } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { SkeletonCards } from "@/components/ui/skeleton";
import { ToastProvider, useToast } from "@/components/ui/toast";
import { AgentCard } from "./agent-card";
import { AgentForm } from "./agent-form";

type Editing = { kind: "create" } | { kind: "edit"; agent: AgentView } | null;

function AgentsManagerInner() {
  const agents = useAgents();
  const remove = useDeleteAgent();
  const importAgents = useImportAgents();
  const toast = useToast();
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<AgentView | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  async function onImportFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = "";
    if (!file) return;
    let body: unknown;
    try {
      body = JSON.parse(await file.text());
    } catch {
      toast(`${file.name} is not valid JSON.`, "error");
      return;
    }
    try {
      const result = await importAgents.mutateAsync(body);
      toast(
        `Imported ${file.name}: ${result.created} created, ${result.updated} updated.`,
        "success",
      );
    } catch (error) {
      toast(`Import failed: ${errorMessage(error)}`, "error");
    }
  }

  async function onConfirmDelete() {
    if (!deleting) return;
    try {
      await remove.mutateAsync(deleting.id);
      toast(`Deleted ${deleting.name}.`, "success");
      setDeleting(null);
    } catch {
      // Shown in the dialog.
    }
  }

  const list = agents.data ?? [];

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Agents</h1>
          <p className="mt-1 text-slate-600">
            The team&apos;s agents: a model, a system prompt and its settings.
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <input
            ref={fileInput}
            type="file"
            accept="application/json,.json"
            className="sr-only"
            aria-label="Import agents from a JSON file"
            data-testid="agents-import-input"
            onChange={onImportFile}
            tabIndex={-1}
          />
          <Button
            onClick={() => fileInput.current?.click()}
            disabled={importAgents.isPending}
            data-testid="agents-import"
          >
            {importAgents.isPending ? "Importing…" : "Import"}
          </Button>
          <a
            href={AGENTS_EXPORT_URL}
            download="agents.json"
            className={buttonClass("secondary")}
            data-testid="agents-export"
          >
            Export
          </a>
          <Button
            variant="primary"
            onClick={() => setEditing({ kind: "create" })}
            data-testid="agent-new"
          >
            New agent
          </Button>
        </div>
      </div>

      {agents.isPending ? (
        <SkeletonCards label="Loading agents" count={3} />
      ) : agents.isError ? (
        <div
          role="alert"
          className="rounded-xl border border-rose-200 bg-rose-50 p-4 text-sm text-rose-800"
        >
          Could not load the agents: {errorMessage(agents.error)}{" "}
          <button type="button" className="font-medium underline" onClick={() => agents.refetch()}>
            Try again
          </button>
        </div>
      ) : list.length === 0 ? (
        <EmptyState
          title="No agents yet"
          testId="agents-empty"
          action={
            <Button variant="primary" onClick={() => setEditing({ kind: "create" })}>
              Create your first agent
            </Button>
          }
        >
          Create one, or import a JSON file exported from another team.
        </EmptyState>
      ) : (
        <ul
          className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3"
          data-testid="agent-list"
          aria-label="Agents"
        >
          {list.map((agent) => (
            <AgentCard
              key={agent.id}
              agent={agent}
              onEdit={() => setEditing({ kind: "edit", agent })}
              onDelete={() => {
                remove.reset();
                setDeleting(agent);
              }}
            />
          ))}
        </ul>
      )}

      <Dialog
        open={editing !== null}
        onClose={() => setEditing(null)}
        title={editing?.kind === "edit" ? `Edit ${editing.agent.name}` : "New agent"}
        testId="agent-dialog"
      >
        {editing ? (
          <AgentForm
            key={editing.kind === "edit" ? editing.agent.id : "new"}
            agent={editing.kind === "edit" ? editing.agent : undefined}
            onCancel={() => setEditing(null)}
            onSaved={(agent) => {
              toast(
                editing.kind === "edit" ? `Saved ${agent.name}.` : `Created ${agent.name}.`,
                "success",
              );
              setEditing(null);
            }}
          />
        ) : null}
      </Dialog>

      <ConfirmDialog
        open={deleting !== null}
        title={`Delete ${deleting?.name ?? "agent"}?`}
        confirmLabel="Delete agent"
        pending={remove.isPending}
        error={remove.isError ? errorMessage(remove.error) : null}
        onConfirm={onConfirmDelete}
        onCancel={() => setDeleting(null)}
      >
        Past runs keep their copy of the agent; new runs can no longer use it.
      </ConfirmDialog>
    </div>
  );
}

export function AgentsManager() {
  return (
    <ToastProvider>
      <AgentsManagerInner />
    </ToastProvider>
  );
}
