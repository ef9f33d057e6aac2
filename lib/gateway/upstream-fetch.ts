import "server-only";
import { fetch as undiciFetch } from "undici";

/**
 * fetch as undici ships it, not `globalThis.fetch`: in the built app Next replaces the global
 * with a wrapper that caches and clones (tees) responses, and under server.mjs the models probe
 * through it (a GET whose body was cancelled) never settled: `GET /v1/models` hung until the
 * client gave up (tests/e2e/gateway-sdk.spec.ts). The gateway passes the upstream's bytes through
 * and wants none of that wrapper's behaviour.
 */
export const upstreamFetch = undiciFetch as unknown as typeof fetch;
