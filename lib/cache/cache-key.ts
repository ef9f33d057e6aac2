import { createHash } from "node:crypto";

/**
 * Bumped whenever the key material changes shape, so old rows stop matching instead of being
 * served for a request they no longer describe. v2: every body field, the beta list, the endpoint.
 */
const KEY_VERSION = 2;

/**
 * Body fields that never change the answer: the transport flag and the caller's own tags. Every
 * other field counts, including ones this code does not know (a new API field must not make two
 * different requests share an answer).
 */
const TRANSPORT_FIELDS: ReadonlySet<string> = new Set(["stream", "metadata"]);

/** What, besides the body, tells two requests apart. */
export interface KeyScope {
  /** The team: two teams never share an entry. */
  tenant: string;
  /** The `anthropic-beta` header as sent: betas change what the API does. */
  beta?: string | null;
  /** @default "messages" */
  endpoint?: "messages" | "count_tokens";
}

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

/** The body without its transport fields: what the key hashes and what admins see. */
export function cacheKeyMaterial(body: object): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(body)) {
    if (!TRANSPORT_FIELDS.has(field) && value !== undefined) picked[field] = value;
  }
  return picked;
}

/** The beta list as a set: order, spacing and repeats do not change what the API does. */
export function normalizeBeta(beta: string | null | undefined): string[] {
  if (!beta) return [];
  const names = beta
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  return [...new Set(names)].sort();
}

/**
 * SHA-256 (64 hex chars) of the canonical JSON of the body (less `stream` and `metadata`), the
 * beta list, the endpoint and the tenant.
 */
export function cacheKey(body: object, scope: KeyScope): string {
  const material = canonicalJson({
    v: KEY_VERSION,
    tenant: scope.tenant,
    endpoint: scope.endpoint ?? "messages",
    beta: normalizeBeta(scope.beta),
    request: cacheKeyMaterial(body),
  });
  return createHash("sha256").update(material, "utf8").digest("hex");
}
