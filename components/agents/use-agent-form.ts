"use client";

import { type FormEvent, useState } from "react";
import type { AgentView } from "@/lib/agents/agent-view";
import { type AgentInput, useSaveAgent } from "@/lib/query/agents";
import { ApiError, errorMessage } from "@/lib/query/fetch-json";
import {
  type AgentField,
  type AgentFormValues,
  changedFields,
  type FieldErrors,
  formValuesOf,
  validateAgentForm,
} from "./agent-form-values";

export const FIELD_IDS: Record<AgentField, string> = {
  name: "agent-name",
  model: "agent-model",
  system: "agent-system",
  temperature: "agent-temperature",
  maxTokens: "agent-max-tokens",
  cacheEnabled: "agent-cache",
  cacheTtlSeconds: "agent-cache-ttl",
  fallbackModels: "agent-fallback-models",
};

/** The form field a server error names: "fallbackModels.1" is the fallback models' input. */
function agentFieldOf(field: string | undefined): AgentField | undefined {
  const head = field?.split(".")[0];
  return head !== undefined && head in FIELD_IDS ? (head as AgentField) : undefined;
}

/**
 * The agent form's state: values, which fields to show errors for (touched ones, all after a
 * submit, and whatever the server blamed), and the submit that creates or patches the agent.
 */
export function useAgentForm(agent: AgentView | undefined, onSaved: (agent: AgentView) => void) {
  const [values, setValues] = useState<AgentFormValues>(() => formValuesOf(agent));
  const [touched, setTouched] = useState<Partial<Record<AgentField, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const save = useSaveAgent();

  const validation = validateAgentForm(values);
  const clientErrors: FieldErrors = validation.ok ? {} : validation.errors;
  const errorFor = (field: AgentField): string | undefined =>
    serverErrors[field] ?? (submitted || touched[field] ? clientErrors[field] : undefined);

  const set = <K extends keyof AgentFormValues>(key: K, value: AgentFormValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    const field: AgentField = key === "cache" ? "cacheEnabled" : (key as AgentField);
    setTouched((t) => ({ ...t, [field]: true }));
    setServerErrors((e) => ({ ...e, [field]: undefined }));
  };

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    setFormError(null);
    if (!validation.ok) {
      const first = Object.keys(validation.errors)[0] as AgentField | undefined;
      if (first) document.getElementById(FIELD_IDS[first])?.focus();
      return;
    }
    try {
      const input: AgentInput = validation.input;
      const saved = agent
        ? await save.mutateAsync({ id: agent.id, input: changedFields(agent, input) })
        : await save.mutateAsync({ input });
      onSaved(saved);
    } catch (error) {
      const field = error instanceof ApiError ? agentFieldOf(error.field) : undefined;
      if (field) {
        setServerErrors({ [field]: (error as ApiError).message });
        document.getElementById(FIELD_IDS[field])?.focus();
      } else {
        setFormError(errorMessage(error));
      }
    }
  }

  return { values, set, errorFor, formError, onSubmit, pending: save.isPending };
}
