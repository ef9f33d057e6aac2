import { z } from "zod";
import { modelPrices } from "./model-prices";
import { outboundLimitTable } from "./outbound-limits";
import { SECRET_HOWTO, secretWeakness } from "./secret-strength";

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);
const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();
const optionalInt = (min = 0) =>
  optionalString.pipe(z.coerce.number<string | undefined>().int().min(min).optional());
const optionalUrl = optionalString.pipe(z.string().url().optional());

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** `id=tokens, id=tokens, *=tokens` → { id: tokens, "*": tokens }. */
const outputLimits = optionalString.transform((text, ctx) => {
  const limits: Record<string, number> = {};
  for (const entry of (text ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean)) {
    const match = /^([a-z0-9*][a-z0-9._*-]*)\s*=\s*(\d{1,9})$/.exec(entry);
    if (!match || Number(match[2]) < 1) {
      ctx.addIssue({ code: "custom", message: `"${entry}" is not model-id=tokens (or *=tokens)` });
      return z.NEVER;
    }
    limits[match[1]!] = Number(match[2]);
  }
  return limits;
});

/**
 * Every environment variable Ensemble reads, with its default. Documented for people in
 * .env.example and the README; this is the one place that knows their names.
 */
export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    /** Where embedded state lives: the PGlite database, the generated cache secret. */
    DATA_DIR: z.string().default(".data"),

    /** A Postgres server. Unset: embedded PGlite in DATA_DIR/pglite. */
    DATABASE_URL: optionalString.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
        .optional(),
    ),
    /** A self-hosted Redis for rate limits, single-flight locks and run events across instances. */
    REDIS_URL: optionalString.pipe(
      z
        .string()
        .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
        .optional(),
    ),
    UPSTASH_REDIS_REST_URL: optionalUrl,
    UPSTASH_REDIS_REST_TOKEN: optionalString,
    /** A Redis command with no answer within this long fails (and opens the Redis breaker). */
    REDIS_COMMAND_TIMEOUT_MS: int(500, 10),
    /** After a Redis failure, commands fail at once for this long before one probe is let through. */
    REDIS_BREAKER_COOLDOWN_MS: int(1_000, 10),
    /** How long an API-key lookup is trusted before the database is asked again. */
    API_KEY_CACHE_TTL_MS: int(30_000, 100),
    /** How long past that a known key keeps answering while the database is down. */
    API_KEY_STALE_MS: int(600_000, 0),

    /**
     * The real Anthropic API: one key, or several comma-separated (calls spread over them by
     * their remaining limits). Unset: every agent runs on the built-in simulator.
     */
    ANTHROPIC_API_KEY: optionalString.refine(
      (v) => v === undefined || v.split(",").some((key) => key.trim() !== ""),
      "no key in the comma-separated list",
    ),
    ANTHROPIC_BASE_URL: optionalUrl,
    /** Simulated time to first token and speed, for the offline demo and tests. */
    SIMULATOR_TTFT_MS: int(250),
    SIMULATOR_TOKENS_PER_SECOND: int(80),

    /**
     * Signs cache entries. Required with DATABASE_URL (32 random bytes as hex or base64, or a
     * string of 128+ bits of entropy); generated into DATA_DIR otherwise.
     */
    CACHE_HMAC_SECRET: optionalString,
    /** Optional AES-256-GCM encryption of cached responses at rest. */
    CACHE_ENCRYPTION_KEY: optionalString,
    CACHE_L1_MAX_BYTES: int(64 * 1024 * 1024, 1024),
    CACHE_L2_MAX_ENTRIES: int(100_000, 1),
    CACHE_L2_MAX_BYTES: int(1024 * 1024 * 1024, 1024),
    CACHE_DEFAULT_TTL_SECONDS: int(7 * 24 * 3600, 1),
    /**
     * The cross-instance single-flight lock's lease: its leader renews it every
     * FLIGHT_LOCK_RENEW_MS while it works, so a crashed leader blocks the same request on other
     * instances for at most one lease.
     */
    FLIGHT_LOCK_LEASE_MS: int(10_000, 100),
    FLIGHT_LOCK_RENEW_MS: int(3_000, 10),
    /** How long an instance waits for another's live leader before calling upstream itself. */
    FLIGHT_LOCK_WAIT_MS: int(120_000, 100),
    /**
     * One team's share of each cache tier (default: a quarter of the tier's bound): a team past
     * it evicts its own least recently used entries first, never every other team's.
     */
    CACHE_L1_TEAM_MAX_BYTES: optionalInt(1024),
    CACHE_L2_TEAM_MAX_ENTRIES: optionalInt(1),
    CACHE_L2_TEAM_MAX_BYTES: optionalInt(1024),

    /**
     * Output-token ceilings by model, as `claude-opus-4-8=32000, *=16000` (`*`: ids the built-in
     * table does not know). Unset: the table's own (each model's real limit). A Messages call,
     * an agent or a warm-up request above its model's ceiling is refused.
     */
    MODEL_MAX_OUTPUT_TOKENS: outputLimits,
    /** Prices over the built-in table (lib/spend/prices.json); see lib/config/model-prices.ts. */
    MODEL_PRICES: modelPrices,
    /**
     * The IANA time zone whose calendar days and months are budgets' windows (each resets at its
     * local midnight). @default UTC
     */
    BUDGET_TIME_ZONE: z
      .string()
      .trim()
      .default("UTC")
      .refine(isTimeZone, "is not an IANA time zone (e.g. UTC, Europe/Paris)"),
    /** Where budget threshold events (soft, hard) are POSTed as JSON, once each per window. */
    BUDGET_WEBHOOK_URL: optionalUrl,

    /** The runs' upstream pool: calls in flight for run steps (the gateway has its own pool). */
    MAX_CONCURRENCY: int(16, 1),
    /**
     * Upstream calls one team may have in flight in the process (default: 3/4 of MAX_CONCURRENCY),
     * so one team's burst or hung calls cannot take every slot; teams queue fairly (round-robin).
     */
    TEAM_CONCURRENCY: optionalInt(1),
    /** Upstream calls one API key may have in flight (default: TEAM_CONCURRENCY). */
    KEY_CONCURRENCY: optionalInt(1),
    /** The gateway's own upstream pool: calls in flight for gateway clients, apart from runs. */
    GATEWAY_MAX_CONCURRENCY: int(256, 1),
    /**
     * A gateway call whose upstream sends no response head within this long answers 504
     * `timeout_error` (the API's own status for a timed-out request, which the SDKs retry). Ten
     * minutes: a non-streaming answer sends its head only when complete, and the SDKs wait as long.
     */
    GATEWAY_FIRST_BYTE_TIMEOUT_MS: int(600_000, 100),
    /** A gateway stream whose upstream stays silent this long is cut off with an error event. */
    GATEWAY_IDLE_TIMEOUT_MS: int(300_000, 100),
    /** A gateway call is cut off after this long in all, however steadily its bytes flow. */
    GATEWAY_TOTAL_TIMEOUT_MS: int(3_600_000, 100),
    /**
     * Outbound limits per model, shared by every instance (through Redis when set): JSON
     * `{"<model>" | "*": {"rpm","itpm","otpm"}}`, e.g. `{"claude-sonnet-4-5":{"rpm":50}}`. Unset:
     * none but the upstream's own, which every instance still honours (a 429 or a spent
     * `anthropic-ratelimit-*` budget holds the model's calls until its reset).
     */
    OUTBOUND_LIMITS: outboundLimitTable,
    /** The window the limits count over (a minute; shorter only for tests). */
    OUTBOUND_WINDOW_MS: int(60_000, 100),
    /** How long a gateway call may wait for room before it answers 429 with retry-after. */
    OUTBOUND_GATEWAY_MAX_WAIT_MS: int(30_000, 0),
    /** Upstream calls in flight for one run. */
    RUN_CONCURRENCY: int(8, 1),
    ATTEMPT_TIMEOUT_MS: int(60_000, 100),
    RUN_DEADLINE_MS: int(600_000, 1000),
    MAX_ATTEMPTS: int(3, 1),
    /**
     * A run's lease: the process executing it renews Run.heartbeatAt this often; a run whose lease
     * went this long without renewal is claimed and resumed by another process (its steps that
     * finished are kept). Every process looks for such runs every RUN_CLAIM_INTERVAL_MS (jittered).
     */
    RUN_LEASE_RENEW_MS: int(2_000, 50),
    RUN_LEASE_EXPIRY_MS: int(6_000, 100),
    RUN_CLAIM_INTERVAL_MS: int(2_000, 50),
    BREAKER_FAILURE_THRESHOLD: int(5, 1),
    BREAKER_COOLDOWN_MS: int(30_000, 100),

    /** Retention, in days (0 keeps forever): finished runs, the gateway's request log, warm jobs. */
    RETENTION_RUNS_DAYS: int(90),
    RETENTION_REQUEST_LOG_DAYS: int(30),
    RETENTION_WARM_JOBS_DAYS: int(30),
    /** The audit log (0 keeps it forever). */
    RETENTION_AUDIT_DAYS: int(365),
    /** Cache statistics stay per minute this long, then per hour until the second age, then per day. */
    RETENTION_STATS_MINUTE_DAYS: int(7),
    RETENTION_STATS_HOUR_DAYS: int(90),
    /** How often one instance sweeps (an advisory lock keeps the others out). */
    RETENTION_INTERVAL_MS: int(3_600_000, 1000),

    /** Open run-event streams (SSE) one API key or user, and one team, may hold per process. */
    SSE_STREAMS_PER_PRINCIPAL: int(32, 1),
    SSE_STREAMS_PER_TEAM: int(256, 1),

    /**
     * Who may create an account. `open`: anyone (each new team's owner signs up). `invite`: only
     * invite holders, once the instance has its first account; the setting for shared instances,
     * since open sign-up tells anyone trying an email whether it is registered.
     */
    SIGN_UP: z.enum(["open", "invite"]).default("open"),

    /** Requests per minute per API key / user on the API, and sign-in attempts per IP. */
    RATE_LIMIT_API_PER_MINUTE: int(600, 1),
    RATE_LIMIT_RUNS_PER_MINUTE: int(60, 1),
    RATE_LIMIT_SIGN_IN_PER_MINUTE: int(10, 1),
    /** Requests with bad credentials (unknown API keys, forged or expired cookies) per IP. */
    RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: int(30, 1),

    /**
     * How many reverse proxies stand in front of the app. Their X-Forwarded-For/-Host/-Proto are
     * believed only that many hops deep; with 0, the socket's own address, host and protocol.
     */
    TRUST_PROXY_HOPS: int(0).pipe(z.number().max(10)),
    /**
     * The public origin people reach this deployment at (e.g. `https://ensemble.example.com`).
     * Links the app hands out (invites) are built on it, and the CSRF check accepts it as our own
     * origin. Unset: the Host the browser addressed (or a trusted proxy's X-Forwarded-Host).
     */
    APP_URL: optionalUrl,

    /**
     * scrypt cost for new password hashes, as log2(N): 17 is OWASP's recommendation (128 MiB,
     * a few hundred ms per hash). Hashes made with another cost are redone at the next sign-in.
     */
    PASSWORD_HASH_LOG2_N: int(17, 14).pipe(z.number().max(20)),

    /**
     * The gateway's request body limit in bytes (the API's own is 32 MB): a larger
     * Content-Length is refused before reading, a chunked body is cut off at it.
     */
    GATEWAY_MAX_BODY_BYTES: int(32 * 1024 * 1024, 1024),

    LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),

    /**
     * Bearer token for GET /api/metrics. Unset: the metrics answer only loopback callers (the
     * address after TRUST_PROXY_HOPS), so a scraper on the same host needs no secret.
     */
    METRICS_TOKEN: optionalString,
    /** On SIGTERM/SIGINT, how long in-flight requests may take to finish before the process exits. */
    SHUTDOWN_GRACE_MS: int(25_000, 0),
    /** OTLP/HTTP endpoint for traces (e.g. http://collector:4318); unset, no tracing is loaded. */
    OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
    /** The service name traces are reported under. */
    OTEL_SERVICE_NAME: z.string().default("ensemble"),
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.UPSTASH_REDIS_REST_URL) !== Boolean(env.UPSTASH_REDIS_REST_TOKEN)) {
      ctx.addIssue({
        code: "custom",
        path: [env.UPSTASH_REDIS_REST_URL ? "UPSTASH_REDIS_REST_TOKEN" : "UPSTASH_REDIS_REST_URL"],
        message: "UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN go together",
      });
    }
    // A lease renewed less often than it expires would be claimed from a live owner.
    if (env.RUN_LEASE_EXPIRY_MS <= env.RUN_LEASE_RENEW_MS * 2) {
      ctx.addIssue({
        code: "custom",
        path: ["RUN_LEASE_EXPIRY_MS"],
        message: "must be more than twice RUN_LEASE_RENEW_MS",
      });
    }
    // A shared deployment's instances must agree on one secret, so none may be generated locally.
    if (env.DATABASE_URL && !env.CACHE_HMAC_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["CACHE_HMAC_SECRET"],
        message:
          "required when DATABASE_URL is set (32+ random characters, e.g. `openssl rand -hex 32`)",
      });
    }
    // Checked here, at the first read of the configuration, so a weak secret stops the process
    // before it opens (or migrates) any database.
    const weakness = env.CACHE_HMAC_SECRET && secretWeakness(env.CACHE_HMAC_SECRET);
    if (weakness) {
      ctx.addIssue({
        code: "custom",
        path: ["CACHE_HMAC_SECRET"],
        message: `is ${weakness}; ${SECRET_HOWTO}`,
      });
    }
  });

export type Env = z.infer<typeof envSchema>;
