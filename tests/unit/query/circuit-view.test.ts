import { describe, expect, it } from "vitest";
import { describeCircuits } from "@/lib/query/circuit-view";

const now = Date.parse("2026-12-01T06:00:00Z");
const at = (offsetMs: number) => new Date(now + offsetMs).toISOString();

describe("the status panel's reading of circuit breakers", () => {
  it("puts open circuits first and says when the next probe goes, in words", () => {
    const lines = describeCircuits(
      [
        { model: "claude-a", state: "closed", since: at(-10 * 60_000), nextProbeAt: null },
        { model: "claude-b", state: "open", since: at(-5_000), nextProbeAt: at(25_000) },
        { model: "claude-c", state: "open", since: at(-60_000), nextProbeAt: at(3 * 60_000) },
        { model: "claude-d", state: "half-open", since: at(-1_000), nextProbeAt: null },
      ],
      now,
    );
    expect(lines.map((l) => [l.model, l.state, l.since, l.nextProbe, l.tone])).toEqual([
      ["claude-b", "open", "since just now", "next probe in 25 s", "bad"],
      ["claude-c", "open", "since 1 min ago", "next probe in 3 min", "bad"],
      ["claude-d", "half-open", "since just now", "probing now", "warn"],
      ["claude-a", "closed", "since 10 min ago", "—", "ok"],
    ]);
  });

  it("says probing now once an open circuit's cool-down has run out", () => {
    const [line] = describeCircuits(
      [{ model: "claude-x", state: "open", since: at(-40_000), nextProbeAt: at(-1) }],
      now,
    );
    expect(line?.nextProbe).toBe("probing now");
  });
});
