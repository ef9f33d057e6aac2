import { describe, expect, it } from "vitest";
import { createRedisCircuit } from "@/lib/redis/circuit";

function circuitAt(cooldownMs = 1_000) {
  const clock = { now: 0 };
  const changes: string[] = [];
  const circuit = createRedisCircuit({
    cooldownMs,
    now: () => clock.now,
    onChange: (s) => changes.push(s.state),
  });
  return { circuit, clock, changes };
}

describe("the Redis circuit", () => {
  it("lets commands through while closed", () => {
    const { circuit } = circuitAt();
    expect(circuit.allow("ready")).toBe(true);
    expect(circuit.allow("connecting")).toBe(true);
  });

  it("fails commands at once while the connection is down, and lets them through once it is ready", () => {
    const { circuit, changes } = circuitAt();
    circuit.disconnected();
    expect(circuit.allow("reconnecting")).toBe(false);
    expect(circuit.allow("ready")).toBe(true);
    circuit.succeeded();
    expect(circuit.current.state).toBe("closed");
    expect(changes).toEqual(["open", "closed"]);
  });

  it("always lets a reconnection's handshake through (AUTH, SELECT), even while open", () => {
    const { circuit } = circuitAt();
    circuit.disconnected();
    expect(circuit.allow("connect")).toBe(true);
  });

  it("after a timeout on a live connection, fails commands for the cool-down, then lets one probe through", () => {
    const { circuit, clock } = circuitAt(1_000);
    circuit.failed();
    expect(circuit.allow("ready")).toBe(false);
    clock.now = 1_000;
    expect(circuit.allow("ready")).toBe(true);
    expect(circuit.allow("ready")).toBe(false);
    circuit.failed();
    expect(circuit.current).toMatchObject({ state: "open", probeAt: 2_000 });
    clock.now = 2_000;
    expect(circuit.allow("ready")).toBe(true);
    circuit.succeeded();
    expect(circuit.allow("ready")).toBe(true);
  });
});
