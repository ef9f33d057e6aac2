"use client";

import { useState } from "react";
import { hasRole } from "@/components/auth/types";
import { useMe } from "@/components/auth/use-me";
import { errorMessage } from "@/lib/query/fetch-json";
import type { ComposerChoices } from "@/lib/query/run-input";
import {
  templateFromChoices,
  useDeleteTemplate,
  useSaveTemplate,
  useTemplates,
} from "@/lib/query/templates";
import type { TemplateView } from "@/lib/templates/template-view";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { inputClass } from "@/components/ui/field";

const MAX_NAME_CHARS = 80;

function optionLabel(t: TemplateView): string {
  const missing = t.missingAgents.length;
  return missing === 0
    ? `${t.name} (${t.mode}, ${t.steps.length} agent${t.steps.length === 1 ? "" : "s"})`
    : `${t.name} (${missing} agent${missing === 1 ? "" : "s"} missing)`;
}

/** Choose a saved template and load it into the composer, or delete it (its author, or an admin). */
function TemplatePicker({
  loadedId,
  onLoad,
}: {
  loadedId?: string;
  onLoad: (template: TemplateView) => void;
}) {
  const templates = useTemplates();
  const me = useMe();
  const remove = useDeleteTemplate();
  // The composer is rebuilt on a load: the template just loaded stays the one chosen.
  const [chosenId, setChosenId] = useState(loadedId ?? "");
  const list = templates.data ?? [];
  const chosen = list.find((t) => t.id === chosenId);
  const canDelete =
    chosen !== undefined &&
    me.data != null &&
    (hasRole(me.data.role, "admin") || chosen.createdBy?.id === me.data.user.id);

  if (templates.isError) {
    return (
      <p role="alert" className="text-sm text-rose-700">
        Could not load the templates: {errorMessage(templates.error)}
      </p>
    );
  }
  return (
    <div className="min-w-0">
      <label htmlFor="template-select" className="mb-1 block text-sm font-medium text-slate-700">
        Start from a template
      </label>
      <div className="flex flex-wrap gap-2">
        <select
          id="template-select"
          className={`${inputClass} min-w-0 flex-1 basis-48`}
          value={chosen ? chosenId : ""}
          onChange={(e) => setChosenId(e.target.value)}
          disabled={templates.isPending || list.length === 0}
          data-testid="template-select"
        >
          <option value="">
            {templates.isPending
              ? "Loading…"
              : list.length === 0
                ? "No templates saved yet"
                : "Choose a template…"}
          </option>
          {list.map((t) => (
            <option key={t.id} value={t.id}>
              {optionLabel(t)}
            </option>
          ))}
        </select>
        <Button
          disabled={!chosen}
          onClick={() => chosen && onLoad(chosen)}
          data-testid="template-load"
        >
          Load
        </Button>
        {chosen && canDelete ? (
          <ConfirmButton
            title={`Delete the template "${chosen.name}"?`}
            message="Runs started from it are kept; only the saved setup goes."
            confirmLabel="Delete template"
            onConfirm={async () => {
              await remove.mutateAsync(chosen.id);
              setChosenId("");
            }}
            testId="template-delete"
            aria-label={`Delete the template ${chosen.name}`}
          >
            Delete
          </ConfirmButton>
        ) : null}
      </div>
    </div>
  );
}

/** Save the composer's current setup (mode, task, cache mode, agents, DAG) under a name. */
function TemplateSaver({ choices }: { choices: ComposerChoices }) {
  const save = useSaveTemplate();
  const [name, setName] = useState("");
  const [savedName, setSavedName] = useState<string | null>(null);
  const why =
    choices.agents.length === 0
      ? "Pick at least one agent to save a template."
      : name.trim() === ""
        ? "Name the template to save it."
        : null;
  function submit() {
    if (why || save.isPending) return;
    setSavedName(null);
    save.mutate(templateFromChoices(name.trim(), choices), {
      onSuccess: ({ template }) => {
        setSavedName(template.name);
        setName("");
      },
    });
  }
  return (
    <div className="min-w-0">
      <label htmlFor="template-name" className="mb-1 block text-sm font-medium text-slate-700">
        Save this setup as a template
      </label>
      <div className="flex flex-wrap gap-2">
        <input
          id="template-name"
          className={`${inputClass} min-w-0 flex-1 basis-48`}
          value={name}
          maxLength={MAX_NAME_CHARS}
          placeholder="Template name"
          onChange={(e) => {
            setName(e.target.value);
            save.reset();
          }}
          // Enter saves the template; it must not submit the composer's form (that starts a run).
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              submit();
            }
          }}
          aria-invalid={save.isError}
          aria-describedby="template-save-status"
          data-testid="template-name"
        />
        <Button
          disabled={Boolean(why) || save.isPending}
          onClick={submit}
          data-testid="template-save"
        >
          {save.isPending ? "Saving…" : "Save template"}
        </Button>
      </div>
      <p
        id="template-save-status"
        className={`mt-1 text-xs ${save.isError ? "text-rose-700" : "text-slate-600"}`}
        role={save.isError ? "alert" : "status"}
        data-testid="template-save-status"
      >
        {save.isError
          ? `Could not save: ${errorMessage(save.error)}`
          : savedName
            ? `Saved "${savedName}".`
            : (why ?? "Saves the mode, task, cache mode, agents and DAG.")}
      </p>
    </div>
  );
}

/** The composer's templates band: load one, or save the current setup as one. */
export function ComposerTemplates(props: {
  choices: ComposerChoices;
  /** The template the composer was last loaded from, if any. */
  loadedId?: string;
  onLoad: (template: TemplateView) => void;
}) {
  return (
    <div
      className="mt-4 grid gap-4 rounded-lg border border-slate-200 bg-slate-50 p-3 md:grid-cols-2"
      data-testid="composer-templates"
    >
      <TemplatePicker loadedId={props.loadedId} onLoad={props.onLoad} />
      <TemplateSaver choices={props.choices} />
    </div>
  );
}

/** Which template the composer was loaded from, and the agents it could not bring back. */
export function ComposerTemplateNote(props: { name: string; notes: readonly string[] }) {
  return (
    <div className="mt-2 space-y-1 text-sm" data-testid="composer-template-source">
      <p className="text-slate-600">
        Loaded the template <span className="font-medium text-slate-900">{props.name}</span>. Change
        anything, then run it.
      </p>
      {props.notes.length > 0 ? (
        <ul
          role="note"
          className="list-disc space-y-0.5 rounded-lg bg-amber-50 py-2 pl-7 pr-3 text-amber-900"
          data-testid="composer-template-notes"
        >
          {props.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
