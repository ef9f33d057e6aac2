import "server-only";
import { KNOWN_MODELS } from "@/lib/agents";
import { AppError } from "@/lib/errors";
import type { GatewayExchange } from "./gateway-exchange";
import { type UpstreamTarget, proxyToUpstream } from "./proxy-upstream";
import { upstreamFetch } from "./upstream-fetch";

/** A model as `GET /v1/models` describes it. */
export interface ModelInfo {
  type: "model";
  id: string;
  display_name: string;
  created_at: string;
}

/** `claude-opus-4-8` → `Claude Opus 4.8`, as the API names its models. */
function displayName(id: string): string {
  const [family = "", ...version] = id.replace(/^claude-/, "").split("-");
  const name = family.charAt(0).toUpperCase() + family.slice(1);
  return `Claude ${name}${version.length ? ` ${version.join(".")}` : ""}`;
}

// Known models carry no release date here; one fixed date keeps the answer stable between calls.
const CREATED_AT = "2026-01-01T00:00:00Z";

/** The models the gateway knows itself (answered when the upstream cannot list them). */
export function knownModels(): ModelInfo[] {
  return KNOWN_MODELS.map((m) => ({
    type: "model",
    id: m.id,
    display_name: displayName(m.id),
    created_at: CREATED_AT,
  }));
}

/** One page of `models`, paginated like the API (`limit`, `after_id`, `before_id`). */
export function pageOfModels(models: ModelInfo[], params: URLSearchParams) {
  const rawLimit = params.get("limit");
  const limit = rawLimit === null ? 20 : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new AppError("bad_request", "limit: Input should be between 1 and 1000");
  }
  const after = params.get("after_id");
  const before = params.get("before_id");
  let start = 0;
  let end = models.length;
  if (after !== null) start = models.findIndex((m) => m.id === after) + 1;
  if (before !== null)
    end = Math.max(
      0,
      models.findIndex((m) => m.id === before),
    );
  const data =
    before !== null && after === null
      ? models.slice(Math.max(0, end - limit), end)
      : models.slice(start, Math.min(end, start + limit));
  const lastIndex = data.length ? models.indexOf(data[data.length - 1]!) : -1;
  return {
    data,
    has_more: lastIndex >= 0 && lastIndex < end - 1,
    first_id: data[0]?.id ?? null,
    last_id: data[data.length - 1]?.id ?? null,
  };
}

/**
 * `GET /v1/models` and `GET /v1/models/{id}`: the upstream's answer, passed through (with a real
 * key that is the API's own list). The built-in simulator may not serve them; then the gateway
 * answers from the models it knows, in the API's shape.
 */
export async function handleModels(
  exchange: GatewayExchange,
  request: Request,
  target: UpstreamTarget & { isSimulator: boolean },
): Promise<Response> {
  if (!target.isSimulator) return proxyToUpstream(exchange, request, target);
  if (await simulatorServesModels(target)) return proxyToUpstream(exchange, request, target);
  const id = exchange.path.startsWith("/v1/models/")
    ? decodeURIComponent(exchange.path.slice("/v1/models/".length))
    : undefined;
  const models = knownModels();
  const body =
    id === undefined
      ? pageOfModels(models, new URL(request.url).searchParams)
      : models.find((m) => m.id === id);
  if (!body) throw new AppError("not_found", `model: ${id}`);
  exchange.log(200);
  const headers = new Headers(exchange.limitHeaders);
  headers.set("request-id", exchange.requestId);
  return Response.json(body, { headers });
}

// One probe per simulator URL for the life of the process, not one per request.
const probes = new Map<string, Promise<boolean>>();

/** Whether the simulator answers `GET /v1/models` itself (newer simulators do). */
function simulatorServesModels(target: UpstreamTarget): Promise<boolean> {
  let probe = probes.get(target.baseURL);
  if (!probe) {
    probe = probeModels(target);
    probes.set(target.baseURL, probe);
  }
  return probe;
}

async function probeModels(target: UpstreamTarget): Promise<boolean> {
  try {
    const response = await upstreamFetch(
      `${target.baseURL.replace(/\/+$/, "")}/v1/models?limit=1`,
      {
        headers: { "x-api-key": target.keys.primary(), "anthropic-version": "2023-06-01" },
        signal: AbortSignal.timeout(5_000),
      },
    );
    // Read, not cancelled: the answer is a few hundred bytes and the connection goes back to the pool.
    await response.arrayBuffer();
    return response.ok;
  } catch {
    // Unreachable is not an answer: the next request probes again.
    probes.delete(target.baseURL);
    return false;
  }
}
