import "server-only";
import { LRUCache } from "lru-cache";
import { AppError } from "@/lib/errors";
import { clientAddress } from "@/lib/http/client-address";
import { checkRateLimit } from "@/lib/http/rate-limit";

/** Failed authentications per client address: the 429 that stops key and cookie guessing. */
export interface AuthFailureGuard {
  /** Throws 429 when the caller's address recently failed to authenticate too often. */
  assertNotBlocked(request: Request): void;
  /**
   * Counts a failed authentication (an unknown or revoked key, a forged or expired cookie)
   * against the caller's address, then throws: `error` itself, or 429 once the address is over
   * RATE_LIMIT_AUTH_FAILURES_PER_MINUTE.
   */
  failed(request: Request, error: AppError): Promise<never>;
}

function tooMany(retryAfterMs: number): AppError {
  return new AppError("rate_limited", "too many failed authentications; slow down", {
    retryAfterMs,
  });
}

/**
 * Addresses over their limit are remembered until their window resets and checked before any
 * lookup, so a blocked address guessing keys or cookies costs no database read (on this instance;
 * every instance learns it from the shared counter on its own first refusal). lib/runtime builds
 * one per process.
 */
export function createAuthFailureGuard(): AuthFailureGuard {
  const blocked = new LRUCache<string, number>({ max: 10_000 });
  return {
    assertNotBlocked(request) {
      const address = clientAddress(request);
      const until = blocked.get(address);
      if (until === undefined) return;
      const left = until - Date.now();
      if (left > 0) throw tooMany(left);
      blocked.delete(address);
    },
    async failed(request, error) {
      const address = clientAddress(request);
      const { result } = await checkRateLimit("auth-failure", `ip:${address}`);
      if (!result.success && !result.reason) {
        blocked.set(address, result.reset);
        throw tooMany(Math.max(1, result.reset - Date.now()));
      }
      throw error;
    },
  };
}
