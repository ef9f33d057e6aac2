/**
 * What GET /api/health reports (lib/health.ts builds it). Imports nothing server-side: the home
 * page's status panel takes it with `import type`.
 */
export interface HealthReport {
  /** `draining`: the process is shutting down (503, so a load balancer stops sending to it). */
  status: "ok" | "degraded" | "down" | "draining";
  database: { kind: "postgres" | "pglite"; reachable: boolean; migrations: number | null };
  store: { kind: "upstash" | "redis" | "memory"; reachable: boolean };
  provider: { kind: "anthropic" | "simulator" };
  /** Per-model circuit breakers this instance has seen (public: no error text). */
  circuits: {
    model: string;
    state: "closed" | "open" | "half-open";
    since: string;
    nextProbeAt: string | null;
  }[];
  uptimeSeconds: number;
}
