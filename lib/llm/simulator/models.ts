/**
 * `GET /v1/models` and `GET /v1/models/{id}` in the API's shapes: a page
 * `{data, has_more, first_id, last_id}` of `{type:"model", id, display_name, created_at}`, newest
 * first, paged by `limit` (1–1000, default 20), `after_id` and `before_id`. Any model id works for
 * Messages; this list is what a client that lists models gets to see.
 */
import { InvalidRequest } from "./validate";

export interface ModelInfo {
  type: "model";
  id: string;
  display_name: string;
  created_at: string;
}

const model = (id: string, display_name: string, created_at: string): ModelInfo => ({
  type: "model",
  id,
  display_name,
  created_at,
});

/** Newest first, as the API lists them. */
export const SIMULATED_MODELS: readonly ModelInfo[] = [
  model("claude-opus-5-5", "Claude Opus 5.5", "2026-10-01T00:00:00Z"),
  model("claude-sonnet-5-5", "Claude Sonnet 5.5", "2026-10-01T00:00:00Z"),
  model("claude-haiku-5-5", "Claude Haiku 5.5", "2026-10-01T00:00:00Z"),
  model("claude-opus-5", "Claude Opus 5", "2026-07-15T00:00:00Z"),
  model("claude-sonnet-5", "Claude Sonnet 5", "2026-07-15T00:00:00Z"),
  model("claude-opus-4-8", "Claude Opus 4.8", "2026-04-07T00:00:00Z"),
  model("claude-opus-4-7", "Claude Opus 4.7", "2026-02-20T00:00:00Z"),
  model("claude-opus-4-6", "Claude Opus 4.6", "2026-01-15T00:00:00Z"),
  model("claude-sonnet-4-6", "Claude Sonnet 4.6", "2026-01-15T00:00:00Z"),
  model("claude-haiku-4-5", "Claude Haiku 4.5", "2025-10-01T00:00:00Z"),
];

export interface ModelPage {
  data: ModelInfo[];
  has_more: boolean;
  first_id: string | null;
  last_id: string | null;
}

/** One page of the list, from the request's query string. */
export function listModels(query: URLSearchParams): ModelPage {
  const rawLimit = query.get("limit");
  const limit = rawLimit === null ? 20 : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new InvalidRequest("limit: Input should be an integer between 1 and 1000");
  }
  const afterId = query.get("after_id");
  const beforeId = query.get("before_id");
  const all = SIMULATED_MODELS;
  let start = 0;
  let end = all.length;
  if (afterId !== null) start = all.findIndex((m) => m.id === afterId) + 1;
  if (beforeId !== null)
    end = Math.max(
      0,
      all.findIndex((m) => m.id === beforeId),
    );
  let data: ModelInfo[];
  let hasMore: boolean;
  if (beforeId !== null && afterId === null) {
    // Paging backwards: the `limit` models just before `before_id`.
    data = all.slice(Math.max(0, end - limit), end);
    hasMore = end - limit > 0;
  } else {
    data = all.slice(start, Math.min(end, start + limit));
    hasMore = start + limit < end;
  }
  return {
    data,
    has_more: hasMore,
    first_id: data[0]?.id ?? null,
    last_id: data[data.length - 1]?.id ?? null,
  };
}

/** One model, or undefined (the API's 404 says `model: <id>`). */
export function findModel(id: string): ModelInfo | undefined {
  return SIMULATED_MODELS.find((m) => m.id === id);
}
