"use client";

import { useState } from "react";
import { errorMessage } from "@/lib/query/fetch-json";
import { useRenameRun } from "@/lib/query/run-manage";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";

const MAX_TITLE_CHARS = 120;

/** The run's name as its page heading, with a rename form (empty goes back to the default). */
export function RunTitle(props: { runId: string; title: string | null }) {
  const rename = useRenameRun(props.runId);
  const [saved, setSaved] = useState<string | null>(null);
  const [draft, setDraft] = useState<string | null>(null);
  const title = saved ?? props.title ?? "Run";

  if (draft === null) {
    return (
      // A line of its own: the status and mode badges wrap below it together, not one by one.
      <div className="flex min-w-0 basis-full items-center gap-1">
        <h1
          className="min-w-0 break-words text-xl font-semibold tracking-tight"
          data-testid="run-title"
        >
          {title}
        </h1>
        <Button
          variant="ghost"
          className="shrink-0 px-2 py-1 text-xs"
          onClick={() => setDraft(title)}
          aria-label="Rename the run"
          data-testid="run-rename"
        >
          Rename
        </Button>
      </div>
    );
  }
  const save = () =>
    rename.mutate(draft, {
      onSuccess: ({ run }) => {
        setSaved(run.title);
        setDraft(null);
      },
    });
  return (
    <form
      className="flex w-full flex-wrap items-center gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <label htmlFor="run-title-input" className="sr-only">
        Run title
      </label>
      <input
        id="run-title-input"
        className={`${inputClass} min-w-0 flex-1 sm:max-w-md`}
        value={draft}
        maxLength={MAX_TITLE_CHARS}
        placeholder="The task's first words"
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") setDraft(null);
        }}
        autoFocus
        data-testid="run-title-input"
        aria-describedby={rename.isError ? "run-title-error" : undefined}
      />
      <Button
        type="submit"
        variant="primary"
        disabled={rename.isPending}
        data-testid="run-title-save"
      >
        {rename.isPending ? "Saving…" : "Save"}
      </Button>
      <Button onClick={() => setDraft(null)}>Cancel</Button>
      {rename.isError ? (
        <p id="run-title-error" role="alert" className="w-full text-xs text-rose-700">
          {errorMessage(rename.error)}
        </p>
      ) : null}
    </form>
  );
}
