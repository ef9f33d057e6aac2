import "server-only";
import { getConfig } from "@/lib/config";

/**
 * Headers the serving process stamps on every request from its own socket (see peer-stamp.ts):
 * the address that connected and whether the connection was TLS. A client cannot forge them:
 * the stamp overwrites whatever the request carried.
 *
 * Why a stamp: Next.js route handlers get a Fetch `Request`, which has no socket, and Next only
 * fills `X-Forwarded-For` with the socket address when the client sent none (`??=`), so the
 * header alone cannot tell a proxy's word from a client's.
 */
export const PEER_ADDRESS_HEADER = "x-ensemble-peer-address";
export const PEER_PROTO_HEADER = "x-ensemble-peer-proto";

const list = (value: string | null): string[] =>
  (value ?? "")
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);

/**
 * The value `hops` trusted proxies vouch for: each proxy appends what it saw, so counting from
 * the right, the `hops`-th entry was written by the outermost trusted proxy; anything left of
 * it is the client's own claim. Fewer entries than hops: the leftmost one there is.
 */
function trusted(values: string[], hops: number): string | undefined {
  if (hops <= 0 || values.length === 0) return undefined;
  return values[Math.max(0, values.length - hops)];
}

/** The caller's address: the socket's, or what TRUST_PROXY_HOPS proxies say it was. */
export function clientAddress(request: Request, hops = getConfig().TRUST_PROXY_HOPS): string {
  const peer = request.headers.get(PEER_ADDRESS_HEADER)?.trim() || "unknown";
  return trusted(list(request.headers.get("x-forwarded-for")), hops) ?? peer;
}

/** The protocol the client used: the socket's, or the trusted proxies' X-Forwarded-Proto. */
export function requestProto(request: Request, hops = getConfig().TRUST_PROXY_HOPS): string {
  const forwarded = trusted(list(request.headers.get("x-forwarded-proto")), hops);
  if (forwarded === "https" || forwarded === "http") return forwarded;
  const peer = request.headers.get(PEER_PROTO_HEADER);
  if (peer === "https" || peer === "http") return peer;
  return new URL(request.url).protocol === "https:" ? "https" : "http";
}

/** The host the client asked for: Host, or the trusted proxies' X-Forwarded-Host. */
export function requestHost(
  request: Request,
  hops = getConfig().TRUST_PROXY_HOPS,
): string | undefined {
  return (
    trusted(list(request.headers.get("x-forwarded-host")), hops) ??
    request.headers.get("host") ??
    undefined
  );
}

/** APP_URL's origin, when the deployment names its public address. */
export function configuredOrigin(): string | undefined {
  const appUrl = getConfig().APP_URL;
  return appUrl ? new URL(appUrl).origin : undefined;
}

/**
 * `proto://host` as people reach this server, for links built into responses: APP_URL when
 * set, else what the client addressed (Next's own `request.url` says localhost behind a proxy).
 */
export function requestOrigin(request: Request): string {
  const configured = configuredOrigin();
  if (configured) return configured;
  const host = requestHost(request) ?? new URL(request.url).host;
  return `${requestProto(request)}://${host}`;
}
