/**
 * The browser's response types (the DTO files next to the server code) against what the server
 * code really returns, serialised as JSON. These are compile-time checks: `npm run typecheck`
 * fails when a server function's result drifts from its DTO.
 */
import { describe, expectTypeOf, it } from "vitest";
import type { listApiKeys } from "@/lib/auth/api-keys";
import type { AccountSummary } from "@/lib/auth/accounts";
import type { listInvites, listMembers } from "@/lib/auth/team";
import type {
  ApiKeyView,
  CreatedApiKeyView,
  InviteView,
  MemberView,
  MeView,
} from "@/lib/auth/views";
import type { createApiKey } from "@/lib/auth/api-keys";
import type {
  getCacheStats,
  inspectCacheEntry,
  listCacheEntries,
} from "@/lib/cache-admin/cache-admin";
import type {
  CacheEntriesPage,
  CacheEntryDetailView,
  CacheStatsView,
  WarmJobView,
} from "@/lib/cache-admin/views";
import type { WarmJob } from "@/lib/cache-admin/warm-jobs";
import type { GatewayRequestView } from "@/lib/gateway/request-log-view";
import type { HealthReport as ServerHealthReport } from "@/lib/health";
import type { HealthReport } from "@/lib/health-view";
import type { GatewayRequest } from "@/lib/db/generated/client";

/** What JSON.stringify makes of a value's type: Dates become strings. */
type Jsonify<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Jsonify<U>[]
    : T extends object
      ? { [K in keyof T]: Jsonify<T[K]> }
      : T;

type Result<F extends (...args: never[]) => unknown> = Jsonify<Awaited<ReturnType<F>>>;

describe("DTO types match what the server returns", () => {
  it("cache admin", () => {
    expectTypeOf<Result<typeof getCacheStats>>().toEqualTypeOf<CacheStatsView>();
    expectTypeOf<Result<typeof listCacheEntries>>().toEqualTypeOf<CacheEntriesPage>();
    expectTypeOf<Result<typeof inspectCacheEntry>>().toEqualTypeOf<CacheEntryDetailView>();
    expectTypeOf<Jsonify<WarmJob>>().toEqualTypeOf<WarmJobView>();
  });

  it("auth, team and keys", () => {
    expectTypeOf<Jsonify<AccountSummary>>().toEqualTypeOf<MeView>();
    expectTypeOf<Result<typeof listMembers>[number]>().toEqualTypeOf<MemberView>();
    expectTypeOf<Result<typeof listInvites>[number]>().toEqualTypeOf<InviteView>();
    expectTypeOf<Result<typeof listApiKeys>[number]>().toEqualTypeOf<ApiKeyView>();
    expectTypeOf<Result<typeof createApiKey>>().toEqualTypeOf<CreatedApiKeyView>();
  });

  it("health and the gateway log", () => {
    expectTypeOf<ServerHealthReport>().toEqualTypeOf<HealthReport>();
    expectTypeOf<Omit<Jsonify<GatewayRequest>, "teamId">>().toEqualTypeOf<GatewayRequestView>();
  });
});
