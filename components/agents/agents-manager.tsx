"use client";

import { useState } from "react";
import type { AgentView } from "@/lib/agents/agent-view";
import { useAgents, useDeleteAgent } from "@/lib/query/agents";
import { errorMessage } from "@/lib/query/fetch-json";
import { useHasRole } from "@/components/auth/use-me";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Dialog } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { SkeletonCards } from "@/components/ui/skeleton";
import { ToastProvider, useToast } from "@/components/ui/toast";
import { AgentCard } from "./agent-card";
import { AgentForm } from "./agent-form";
import { AgentsToolbar } from "./agents-toolbar";

type Editing = { kind: "create" } | { kind: "edit"; agent: AgentView } | null;

function AgentList(props: {
  canManage: boolean;
  onCreate: () => void;
  onEdit: (agent: AgentView) => void;
  onDelete: (agent: AgentView) => void;
}) {
  const agents = useAgents();
  const list = agents.data ?? [];
  return (
    <>
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
            props.canManage ? (
              <Button variant="primary" onClick={props.onCreate}>
                Create your first agent
              </Button>
            ) : undefined
          }
        >
          {props.canManage
            ? "Create one, or import a JSON file exported from another team."
            : "An admin of your team creates them; you can run them once they exist."}
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
              onEdit={props.canManage ? () => props.onEdit(agent) : undefined}
              onDelete={props.canManage ? () => props.onDelete(agent) : undefined}
            />
          ))}
        </ul>
      )}
    </>
  );
}

function AgentsManagerInner() {
  const remove = useDeleteAgent();
  const toast = useToast();
  const canManage = useHasRole("admin");
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<AgentView | null>(null);

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

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Agents</h1>
          <p className="mt-1 text-slate-600">
            The team&apos;s agents: a model, a system prompt and its settings.
            {canManage ? null : " Admins create and change them; you can run them."}
          </p>
        </div>
        <AgentsToolbar canManage={canManage} onNew={() => setEditing({ kind: "create" })} />
      </div>
      <AgentList
        canManage={canManage}
        onCreate={() => setEditing({ kind: "create" })}
        onEdit={(agent) => setEditing({ kind: "edit", agent })}
        onDelete={(agent) => {
          remove.reset();
          setDeleting(agent);
        }}
      />
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
