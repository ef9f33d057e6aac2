import { describe, expect, it } from "vitest";
import type * as errors from "@/lib/errors";
import { AppError, ERROR_STATUS } from "@/lib/errors";

describe("AppError", () => {
  it("takes its HTTP status from the code unless told otherwise", () => {
    expect(new AppError("validation_failed", "bad").status).toBe(422);
    expect(new AppError("upstream_error", "x", { status: 503 }).status).toBe(503);
  });

  it("maps every code to a 4xx or 5xx status", () => {
    for (const status of Object.values(ERROR_STATUS)) {
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
    }
  });
});

describe("AppError across module copies", () => {
  it("is recognised by instanceof even when thrown by another copy of the module", async () => {
    // Next.js bundles instrumentation and routes separately: two copies of lib/errors coexist.
    const copy = (await import(`@/lib/errors?copy=${Date.now()}`)) as typeof errors;
    const foreign = new copy.AppError("upstream_overloaded", "busy");
    expect(copy.AppError).not.toBe(AppError);
    expect(foreign instanceof AppError).toBe(true);
    expect(new Error("plain") instanceof AppError).toBe(false);
  });
});
