import "server-only";
import type { GatewayIdentity } from "./gateway-auth";
import type { GatewayExchange } from "./gateway-exchange";
import type { GatewayRequest } from "./gateway-reply";
import { parseJsonObject, readRequestBody } from "./read-body";

/** An admitted JSON request: who sent it, the bytes as sent, and their parse (read-only). */
export interface AdmittedJson {
  identity: GatewayIdentity;
  /** The body exactly as the client sent it: what goes upstream. */
  bytes: Buffer;
  /** Its parse, for the cache key and the log; never re-serialized for the upstream. */
  body: Record<string, unknown>;
}

/**
 * The front half of a JSON-bodied gateway call (Messages, count_tokens): authentication, the
 * rate limit, the body read within `maxBytes` (413 before reading when Content-Length says so),
 * and the JSON parse (400 for empty, bad, non-object or too-deep bodies). Records `model` and
 * `stream` on the exchange for the log. Throws AppError; answer with `exchange.fail(error)`,
 * which also logs the refusal with its error type.
 */
export async function admitJsonRequest(
  exchange: GatewayExchange,
  request: GatewayRequest,
  maxBytes: number,
): Promise<AdmittedJson> {
  const identity = await exchange.admit();
  const bytes = await readRequestBody(request, maxBytes);
  const body = parseJsonObject(bytes);
  if (typeof body.model === "string") exchange.model = body.model;
  exchange.stream = body.stream === true;
  return { identity, bytes, body };
}
