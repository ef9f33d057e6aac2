import { describe, expect, it } from "vitest";
import { createCloseStack } from "@/lib/runtime/close-stack";

describe("createCloseStack", () => {
  it("stops parts in the reverse of the order they were started", async () => {
    const stopped: string[] = [];
    const stack = createCloseStack({ warn: () => {} });
    for (const name of ["redis", "database", "cache"]) stack.defer(name, () => stopped.push(name));
    await stack.close();
    expect(stopped).toEqual(["cache", "database", "redis"]);
  });

  it("keeps stopping the rest when one part fails, then reports every failure", async () => {
    const stopped: string[] = [];
    const warnings: string[] = [];
    const stack = createCloseStack({ warn: (m) => warnings.push(m) });
    stack.defer("database", () => stopped.push("database"));
    stack.defer("cache", () => Promise.reject(new Error("flush failed")));
    stack.defer("log", () => stopped.push("log"));
    await expect(stack.close()).rejects.toBeInstanceOf(AggregateError);
    expect(stopped).toEqual(["log", "database"]);
    expect(warnings).toEqual(["closing cache failed: flush failed"]);
  });

  it("closes once however often it is asked, and refuses new parts while closing", async () => {
    let count = 0;
    const stack = createCloseStack({ warn: () => {} });
    stack.defer("x", () => count++);
    await Promise.all([stack.close(), stack.close()]);
    await stack.close();
    expect(count).toBe(1);
    expect(() => stack.defer("late", () => {})).toThrow(/closing/);
  });
});
