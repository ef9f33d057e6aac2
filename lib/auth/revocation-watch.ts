import "server-only";
import type { PubSub } from "@/lib/redis/pubsub";
import { API_KEY_REVOKED_CHANNEL } from "./api-key-cache";
import type { Principal } from "./principal";

/**
 * A signal that also aborts when the principal's API key is revoked (or its creator leaves the
 * team), on any instance: long-lived streams opened with a key end with it. Call close() when the
 * stream ends, to drop the subscription.
 */
export async function watchRevocation(
  pubsub: PubSub,
  principal: Principal,
  signal: AbortSignal,
): Promise<{ signal: AbortSignal; close(): void }> {
  if (principal.kind !== "api-key") return { signal, close: () => {} };
  const revoked = new AbortController();
  const unsubscribe = await pubsub.subscribe(API_KEY_REVOKED_CHANNEL, (id) => {
    if (id === principal.apiKeyId) revoked.abort();
  });
  let closed = false;
  const close = () => {
    if (!closed) unsubscribe();
    closed = true;
  };
  const merged = AbortSignal.any([signal, revoked.signal]);
  merged.addEventListener("abort", close, { once: true });
  return { signal: merged, close };
}
