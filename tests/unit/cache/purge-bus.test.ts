import { describe, expect, it, vi } from "vitest";
import { createPurgeBus } from "@/lib/cache/purge-bus";

describe("createPurgeBus without Redis", () => {
  it("delivers every published filter to every subscriber in the process", async () => {
    const bus = createPurgeBus();
    const one = vi.fn();
    const two = vi.fn();
    await bus.subscribe(one);
    const unsubscribe = await bus.subscribe(two);
    const filter = { teamId: "t", olderThan: new Date(0) };
    await bus.publish(filter);
    expect(one).toHaveBeenCalledWith(filter);
    expect(two).toHaveBeenCalledWith(filter);
    // Subscribers get a copy: one cannot change what the next one sees.
    expect(one.mock.calls[0]?.[0]).not.toBe(filter);
    unsubscribe();
    await bus.publish({ agentId: "a" });
    expect(one).toHaveBeenCalledTimes(2);
    expect(two).toHaveBeenCalledTimes(1);
  });

  it("keeps delivering when one handler throws, and stops after close", async () => {
    const logger = { warn: vi.fn(), error: vi.fn() };
    const bus = createPurgeBus({ logger });
    const after = vi.fn();
    await bus.subscribe(() => {
      throw new Error("bad handler");
    });
    await bus.subscribe(after);
    await bus.publish({ key: "k" });
    expect(after).toHaveBeenCalledOnce();
    expect(logger.error).toHaveBeenCalledOnce();
    await bus.close();
    await bus.publish({ key: "k" });
    expect(after).toHaveBeenCalledOnce();
  });
});
