/**
 * What GET /api/health reports (lib/health.ts builds it). Imports nothing server-side: the home
 * page's status panel takes it with `import type`.
 */
export interface HealthReport {
  /** `draining`: the process is shutting down (503, so a load balancer stops sending to it). */
  status: "ok" | "degraded" | "down" | "draining";
  database: { kind: "postgres" | "pglite"; reachable: boolean; migrations: number | null };
  store: { kind: "upstash" | "redis" | "memory"; reachable: boolean };
  provider: {
    kind: "anthropic" | "simulator";
    /**
     * The server's Anthropic keys (ANTHROPIC_API_KEY may list several): how many, how many are
     * in use, and which the API refused (401), by position in the list — never a key or a part of one.
     */
    keys?: {
      total: number;
      active: number;
      refused: { position: number; since: string }[];
    };
  };
  /** Per-model circuit breakers this instance has seen (public: no error text). */
  circuits: {
    model: string;
    state: "closed" | "open" | "half-open";
    since: string;
    nextProbeAt: string | null;
  }[];
  uptimeSeconds: number;
}
