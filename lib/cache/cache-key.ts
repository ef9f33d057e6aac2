import { createHash } from "node:crypto";
import type { ModelRequest } from "@/lib/llm/types";

/**
 * Bumped whenever the key material changes shape, so old rows stop matching instead of being
 * served for a request they no longer describe.
 */
const KEY_VERSION = 1;

/**
 * The request fields that change the answer. Everything else (metadata, stream flag, service tier,
 * workspace, diagnostics, request ids) is transport and must not split the cache.
 *
 * `thinking` and `output_config` are not in the design page's list but change the answer (thinking
 * blocks, output format, effort), so leaving them out would serve one config's answer to another.
 * `container` names a stateful sandbox whose contents change tool results.
 */
const ANSWER_FIELDS = [
  "model",
  "system",
  "messages",
  "temperature",
  "max_tokens",
  "top_p",
  "top_k",
  "stop_sequences",
  "tools",
  "tool_choice",
  "thinking",
  "output_config",
  "container",
] as const;

/**
 * Canonical JSON: object keys sorted by code unit, `undefined` members dropped (as JSON does),
 * numbers in ECMAScript's shortest round-trip form (`-0` as `0`), non-finite numbers as `null`.
 * Equal values give equal strings whatever their key order, which is what a cache key needs.
 * Throws on cycles and on values JSON cannot carry (bigint, functions, symbols).
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, out, new Set());
  return out.join("");
}

function write(value: unknown, out: string[], stack: Set<object>): void {
  switch (typeof value) {
    case "string":
      out.push(JSON.stringify(value));
      return;
    case "number":
      out.push(
        Number.isFinite(value) ? (Object.is(value, -0) ? "0" : JSON.stringify(value)) : "null",
      );
      return;
    case "boolean":
      out.push(value ? "true" : "false");
      return;
    case "undefined":
      // Only reachable for top-level or array members: JSON writes those as null.
      out.push("null");
      return;
    case "object":
      break;
    default:
      throw new TypeError(`canonicalJson: cannot encode a ${typeof value}`);
  }
  if (value === null) {
    out.push("null");
    return;
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") {
    write(toJSON.call(value), out, stack);
    return;
  }
  if (stack.has(value)) throw new TypeError("canonicalJson: cyclic value");
  stack.add(value);
  if (Array.isArray(value)) {
    out.push("[");
    value.forEach((item: unknown, i) => {
      if (i > 0) out.push(",");
      write(typeof item === "function" || typeof item === "symbol" ? null : item, out, stack);
    });
    out.push("]");
  } else {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    out.push("{");
    let first = true;
    for (const key of keys) {
      const member = record[key];
      if (member === undefined || typeof member === "function" || typeof member === "symbol")
        continue;
      if (!first) out.push(",");
      first = false;
      out.push(JSON.stringify(key), ":");
      write(member, out, stack);
    }
    out.push("}");
  }
  stack.delete(value);
}

/**
 * The exact material the key is derived from: the answer-changing fields, with the shapes the API
 * treats as equal made equal. A string `system` or message `content` is sugar for one text block,
 * and `cache_control` markers only steer the provider's prompt cache, never the answer.
 */
export function cacheKeyMaterial(request: ModelRequest): Record<string, unknown> {
  const source = request as ModelRequest & Record<string, unknown>;
  const picked: Record<string, unknown> = {};
  for (const field of ANSWER_FIELDS) {
    const value = source[field];
    if (value !== undefined) picked[field] = value;
  }
  if (picked.system !== undefined) picked.system = normalizeBlocks(picked.system);
  if (Array.isArray(picked.messages)) {
    picked.messages = picked.messages.map((message: unknown) => {
      if (!isRecord(message)) return message;
      return { ...message, content: normalizeBlocks(message.content) };
    });
  }
  if (Array.isArray(picked.tools)) picked.tools = picked.tools.map(withoutCacheControl);
  return picked;
}

/**
 * SHA-256 (64 hex chars) of the canonical JSON of the answer-changing request fields, namespaced
 * by tenant so that two teams never share an entry.
 */
export function cacheKey(request: ModelRequest, tenant: string): string {
  const material = canonicalJson({ v: KEY_VERSION, tenant, request: cacheKeyMaterial(request) });
  return createHash("sha256").update(material, "utf8").digest("hex");
}

function normalizeBlocks(content: unknown): unknown {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (Array.isArray(content)) return content.map(withoutCacheControl);
  return content;
}

function withoutCacheControl(block: unknown): unknown {
  if (!isRecord(block) || !("cache_control" in block)) return block;
  const { cache_control: _ignored, ...rest } = block;
  return rest;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
