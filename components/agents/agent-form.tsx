"use client";

import { useId } from "react";
import type { AgentView } from "@/lib/agents/agent-view";
import { KNOWN_MODELS } from "@/lib/agents/models";
import { MAX_FALLBACK_MODELS, MAX_SYSTEM_PROMPT_CHARS } from "@/lib/agents/schema";
import { takesSamplingParams } from "@/lib/llm/sampling-params";
import { useModels } from "@/lib/query/agents";
import { formatInt } from "@/lib/query/format";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import type { AgentField, AgentFormValues } from "./agent-form-values";
import { FIELD_IDS, useAgentForm } from "./use-agent-form";

type FieldProps = {
  values: AgentFormValues;
  set: <K extends keyof AgentFormValues>(key: K, value: AgentFormValues[K]) => void;
  errorFor: (field: AgentField) => string | undefined;
};

function IdentityFields({ values, set, errorFor, isNew }: FieldProps & { isNew: boolean }) {
  const models = useModels();
  const datalistId = useId();
  const modelOptions = models.data?.models ?? KNOWN_MODELS;
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <Field
        id={FIELD_IDS.name}
        label="Name"
        error={errorFor("name")}
        hint="Letters, digits, '_' or '-'; up to 64."
      >
        {(aria) => (
          <input
            {...aria}
            name="name"
            autoComplete="off"
            autoFocus={isNew}
            className={inputClass}
            value={values.name}
            onChange={(e) => set("name", e.target.value)}
          />
        )}
      </Field>
      <Field
        id={FIELD_IDS.model}
        label="Model"
        error={errorFor("model")}
        hint={
          models.data?.provider === "simulator"
            ? "Answered by the simulator."
            : "Pick one or type an id."
        }
      >
        {(aria) => (
          <>
            <input
              {...aria}
              name="model"
              list={datalistId}
              autoComplete="off"
              className={inputClass}
              value={values.model}
              onChange={(e) => set("model", e.target.value)}
            />
            <datalist id={datalistId}>
              {modelOptions.map((m) => (
                <option key={m.id} value={m.id} />
              ))}
            </datalist>
          </>
        )}
      </Field>
      <Field
        id={FIELD_IDS.fallbackModels}
        label="Fallback models"
        error={errorFor("fallbackModels")}
        hint={`Optional, comma-separated, up to ${MAX_FALLBACK_MODELS}: tried in order when the model is overloaded or unavailable.`}
        className="sm:col-span-2"
      >
        {(aria) => (
          <input
            {...aria}
            name="fallbackModels"
            autoComplete="off"
            placeholder="none"
            className={inputClass}
            value={values.fallbackModels}
            onChange={(e) => set("fallbackModels", e.target.value)}
          />
        )}
      </Field>
    </div>
  );
}

/** Opus 4.7 and later refuse sampling parameters: a step on one is sent without temperature. */
function temperatureHint(model: string): string {
  return takesSamplingParams(model.trim())
    ? "0 – 1; answers at 0 are cached by default."
    : "Not sent: this model takes no temperature (Opus 4.7 and later). At 0 its answers are still cached by default.";
}

function SamplingFields({ values, set, errorFor }: FieldProps) {
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <Field
        id={FIELD_IDS.temperature}
        label="Temperature"
        error={errorFor("temperature")}
        hint={temperatureHint(values.model)}
      >
        {(aria) => (
          <input
            {...aria}
            name="temperature"
            type="number"
            inputMode="decimal"
            step="0.1"
            min="0"
            max="1"
            className={inputClass}
            value={values.temperature}
            onChange={(e) => set("temperature", e.target.value)}
          />
        )}
      </Field>
      <Field id={FIELD_IDS.maxTokens} label="Max output tokens" error={errorFor("maxTokens")}>
        {(aria) => (
          <input
            {...aria}
            name="maxTokens"
            type="number"
            inputMode="numeric"
            step="1"
            min="1"
            className={inputClass}
            value={values.maxTokens}
            onChange={(e) => set("maxTokens", e.target.value)}
          />
        )}
      </Field>
      <Field id={FIELD_IDS.cacheEnabled} label="Response cache" error={errorFor("cacheEnabled")}>
        {(aria) => (
          <select
            {...aria}
            name="cache"
            className={inputClass}
            value={values.cache}
            onChange={(e) => set("cache", e.target.value as AgentFormValues["cache"])}
          >
            <option value="default">Default (cache at temperature 0)</option>
            <option value="on">Always cache</option>
            <option value="off">Never cache</option>
          </select>
        )}
      </Field>
      <Field
        id={FIELD_IDS.cacheTtlSeconds}
        label="Cache TTL (seconds)"
        error={errorFor("cacheTtlSeconds")}
        hint="Blank: the team's default."
      >
        {(aria) => (
          <input
            {...aria}
            name="cacheTtlSeconds"
            type="number"
            inputMode="numeric"
            min="60"
            step="1"
            placeholder="default"
            disabled={values.cache === "off"}
            className={inputClass}
            value={values.cache === "off" ? "" : values.cacheTtlSeconds}
            onChange={(e) => set("cacheTtlSeconds", e.target.value)}
          />
        )}
      </Field>
    </div>
  );
}

/** Create (no `agent`) or edit an agent. Validates as you type once a field was touched. */
export function AgentForm(props: {
  agent?: AgentView;
  onSaved: (agent: AgentView) => void;
  onCancel: () => void;
}) {
  const { values, set, errorFor, formError, onSubmit, pending } = useAgentForm(
    props.agent,
    props.onSaved,
  );
  const fields = { values, set, errorFor };
  return (
    <form onSubmit={onSubmit} noValidate data-testid="agent-form" className="space-y-4">
      <IdentityFields {...fields} isNew={!props.agent} />
      <Field
        id={FIELD_IDS.system}
        label="System prompt"
        error={errorFor("system")}
        hint={`${formatInt(values.system.length)} / ${formatInt(MAX_SYSTEM_PROMPT_CHARS)} characters`}
      >
        {(aria) => (
          <textarea
            {...aria}
            name="system"
            rows={6}
            className={`${inputClass} font-mono text-xs leading-relaxed`}
            value={values.system}
            onChange={(e) => set("system", e.target.value)}
          />
        )}
      </Field>

      <SamplingFields {...fields} />
      {formError ? (
        <p
          role="alert"
          className="rounded-lg bg-rose-50 px-3 py-2 text-sm text-rose-700"
          data-testid="agent-form-error"
        >
          {formError}
        </p>
      ) : null}

      <div className="flex justify-end gap-2 border-t border-slate-100 pt-4">
        <Button onClick={props.onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" disabled={pending} data-testid="agent-form-submit">
          {pending ? "Saving…" : props.agent ? "Save changes" : "Create agent"}
        </Button>
      </div>
    </form>
  );
}
