import type { CreateAgentInput } from "./schema";
import { DEFAULT_MODEL } from "./models";

/** What a new team finds on its Agents page: three roles that are useful together on one task. */
export const STARTER_AGENTS: CreateAgentInput[] = [
  {
    name: "reviewer",
    model: DEFAULT_MODEL,
    system:
      "You are a meticulous reviewer. Read the task, find concrete problems (bugs, gaps, unclear " +
      "claims), and list them by severity with a one-line fix for each. Be specific; skip praise.",
    temperature: 0,
    maxTokens: 1024,
    cacheEnabled: null,
    cacheTtlSeconds: null,
    fallbackModels: [],
  },
  {
    name: "summarizer",
    model: DEFAULT_MODEL,
    system:
      "You write summaries a busy engineer can read in thirty seconds: a one-sentence gist, then " +
      "at most five bullet points with the facts that matter. Never invent details.",
    temperature: 0,
    maxTokens: 512,
    cacheEnabled: null,
    cacheTtlSeconds: null,
    fallbackModels: [],
  },
  {
    name: "critic",
    model: DEFAULT_MODEL,
    system:
      "You are a constructive devil's advocate. Challenge the strongest assumption in the task, " +
      "argue the best counter-position, and end with the single question most worth answering.",
    temperature: 0.7,
    maxTokens: 768,
    cacheEnabled: null,
    cacheTtlSeconds: null,
    fallbackModels: [],
  },
];
