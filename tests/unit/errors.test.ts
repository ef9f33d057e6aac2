import { describe, expect, it } from "vitest";
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
