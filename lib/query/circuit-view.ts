import type { HealthReport } from "@/lib/health-view";
import { formatRelative } from "./format";

type Circuit = HealthReport["circuits"][number];

/** One model's breaker in words an admin reads at a glance. */
export interface CircuitLine {
  model: string;
  state: Circuit["state"];
  /** "Calls flow", "Failing fast", "Trying one call". */
  meaning: string;
  /** "since 3 min ago". */
  since: string;
  /** "next probe in 2 min", "probing now", or "—" when no probe is due (closed). */
  nextProbe: string;
  tone: "ok" | "bad" | "warn";
}

const MEANING: Record<Circuit["state"], { meaning: string; tone: CircuitLine["tone"] }> = {
  closed: { meaning: "Calls flow", tone: "ok" },
  open: { meaning: "Failing fast after repeated upstream failures", tone: "bad" },
  "half-open": { meaning: "Letting one trial call through", tone: "warn" },
};

/**
 * The status panel's reading of GET /api/health's circuits. Pure: `now` comes in, so the same
 * report reads the same in tests and in the browser. Open circuits sort first: they are why the
 * status says "degraded".
 */
export function describeCircuits(circuits: Circuit[], now: number): CircuitLine[] {
  const rank = { open: 0, "half-open": 1, closed: 2 } as const;
  return [...circuits]
    .sort((a, b) => rank[a.state] - rank[b.state] || a.model.localeCompare(b.model))
    .map((c) => ({
      model: c.model,
      state: c.state,
      ...MEANING[c.state],
      since: `since ${formatRelative(c.since, now)}`,
      nextProbe: nextProbe(c, now),
    }));
}

function nextProbe(c: Circuit, now: number): string {
  if (c.state === "half-open") return "probing now";
  if (c.state !== "open" || !c.nextProbeAt) return "—";
  const seconds = Math.ceil((Date.parse(c.nextProbeAt) - now) / 1000);
  if (seconds <= 0) return "probing now";
  // formatRelative says "just now" under 45 s; a cool-down is usually that short, so count seconds.
  return seconds < 60
    ? `next probe in ${seconds} s`
    : `next probe ${formatRelative(c.nextProbeAt, now)}`;
}
