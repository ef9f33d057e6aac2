"use client";

import { useState } from "react";
import type { LiveStep } from "@/lib/query/run-state";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog } from "@/components/ui/dialog";
import { AnswerMarkdown } from "./answer-markdown";

/** Past this many characters the panel shows the top of the answer and offers the full view. */
const LONG_ANSWER_CHARS = 1_500;

/**
 * A step's answer: Markdown, in a box of bounded height (long answers scroll inside it and open
 * in a dialog), with a copy button once there is text.
 */
export function StepAnswer({ step, active }: { step: LiveStep; active: boolean }) {
  const [full, setFull] = useState(false);
  const long = step.output.length > LONG_ANSWER_CHARS;
  return (
    <div className="mt-3 flex min-h-0 flex-1 flex-col rounded-lg bg-slate-50">
      {step.output ? (
        <div className="flex items-center justify-end gap-2 px-3 pt-2">
          {long ? (
            <button
              type="button"
              className="rounded-md px-2 py-1 text-xs font-medium text-indigo-700 hover:bg-slate-100"
              onClick={() => setFull(true)}
              aria-haspopup="dialog"
              data-testid={`step-open-${step.key}`}
            >
              Open full answer
            </button>
          ) : null}
          <CopyButton text={step.output} testId={`step-copy-${step.key}`} compact />
        </div>
      ) : null}
      {step.partial && step.output ? (
        <p
          className="mx-3 mt-1 rounded-md bg-amber-50 px-2 py-1 text-xs text-amber-900"
          data-testid={`step-partial-${step.key}`}
        >
          Partial answer: the text streamed before the step stopped. Its tokens and cost are what
          that call billed.
        </p>
      ) : null}
      <div
        className="max-h-96 overflow-y-auto px-3 pb-3 pt-1"
        data-testid={`step-output-${step.key}`}
        aria-label={`${step.agentName} answer`}
        role="region"
        tabIndex={0}
      >
        {step.output ? <AnswerMarkdown text={step.output} /> : null}
        {active ? (
          <span
            aria-hidden
            className="ml-0.5 inline-block h-3.5 w-1.5 animate-pulse bg-indigo-500 align-middle"
          />
        ) : null}
        {!step.output && !active ? (
          <p className="pt-2 text-[13px] italic text-slate-600">
            {step.status === "pending" ? "Waiting…" : "No answer."}
          </p>
        ) : null}
      </div>
      <Dialog
        open={full}
        onClose={() => setFull(false)}
        title={`${step.agentName}'s answer`}
        description={step.model}
        testId={`step-full-${step.key}`}
      >
        <div className="flex justify-end">
          <CopyButton text={step.output} compact />
        </div>
        <div className="mt-2 max-h-[70vh] overflow-y-auto" tabIndex={0}>
          <AnswerMarkdown text={step.output} />
        </div>
      </Dialog>
    </div>
  );
}
