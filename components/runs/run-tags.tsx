"use client";

import Link from "next/link";
import { useState } from "react";
import { errorMessage } from "@/lib/query/fetch-json";
import { parseTagText, useTagRun } from "@/lib/query/run-manage";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";

/** A run's tags as links to the history filtered by each one. */
export function TagList(props: { tags: readonly string[]; testId?: string; linked?: boolean }) {
  if (props.tags.length === 0) return null;
  return (
    <ul className="flex min-w-0 flex-wrap gap-1.5" aria-label="Tags" data-testid={props.testId}>
      {props.tags.map((tag) => {
        const chip =
          "inline-flex max-w-full items-center truncate rounded-full bg-sky-50 px-2 py-0.5 text-xs font-medium text-sky-700 ring-1 ring-inset ring-sky-200";
        return (
          <li key={tag} className="min-w-0" data-testid="tag" data-tag={tag}>
            {props.linked ? (
              <Link
                href={`/runs?tag=${encodeURIComponent(tag)}`}
                className={`${chip} hover:underline`}
                title={`Runs tagged ${tag}`}
              >
                #{tag}
              </Link>
            ) : (
              <span className={chip}>#{tag}</span>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/**
 * The run's tags beside its title, with an editor: one box, tags split on commas or spaces. The
 * server lowercases them and refuses bad ones with a message naming the tag.
 */
export function RunTags(props: { runId: string; tags: readonly string[] }) {
  const tag = useTagRun(props.runId);
  const [saved, setSaved] = useState<readonly string[] | null>(null);
  const [draft, setDraft] = useState<string | null>(null);
  const tags = saved ?? props.tags;

  if (draft === null) {
    return (
      <div className="flex min-w-0 basis-full flex-wrap items-center gap-2" data-testid="run-tags">
        <TagList tags={tags} linked testId="run-tag-list" />
        <Button
          variant="ghost"
          className="shrink-0 px-2 py-0.5 text-xs"
          onClick={() => {
            tag.reset();
            setDraft(tags.join(", "));
          }}
          data-testid="run-tags-edit"
        >
          {tags.length ? "Edit tags" : "Add tags"}
        </Button>
      </div>
    );
  }
  const save = () =>
    tag.mutate(parseTagText(draft), {
      onSuccess: ({ run }) => {
        setSaved(run.tags);
        setDraft(null);
      },
    });
  return (
    <form
      className="flex w-full basis-full flex-wrap items-center gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
      data-testid="run-tags-form"
    >
      <label htmlFor="run-tags-input" className="sr-only">
        Tags, separated by commas or spaces
      </label>
      <input
        id="run-tags-input"
        className={`${inputClass} min-w-0 flex-1 sm:max-w-md`}
        value={draft}
        placeholder="e.g. research, q3-launch"
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") setDraft(null);
        }}
        autoFocus
        data-testid="run-tags-input"
        aria-invalid={tag.isError}
        aria-describedby={tag.isError ? "run-tags-error" : "run-tags-hint"}
      />
      <Button type="submit" variant="primary" disabled={tag.isPending} data-testid="run-tags-save">
        {tag.isPending ? "Saving…" : "Save tags"}
      </Button>
      <Button onClick={() => setDraft(null)}>Cancel</Button>
      {tag.isError ? (
        <p
          id="run-tags-error"
          role="alert"
          className="w-full text-xs text-rose-700"
          data-testid="run-tags-error"
        >
          {errorMessage(tag.error)}
        </p>
      ) : (
        <p id="run-tags-hint" className="w-full text-xs text-slate-600">
          Up to 10 short lowercase labels, separated by commas or spaces.
        </p>
      )}
    </form>
  );
}
