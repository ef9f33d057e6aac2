import { describe, expect, it } from "vitest";
import { hasRole as browserHasRole, ROLES } from "@/components/auth/types";
import { hasRole as serverHasRole } from "@/lib/auth/roles";
import { isFinished, isServedFromCache } from "@/lib/runs/status";

describe("run status helpers", () => {
  it("calls a run finished only in a terminal status", () => {
    expect(isFinished("queued")).toBe(false);
    expect(isFinished("running")).toBe(false);
    for (const s of ["succeeded", "partial", "failed", "cancelled", "interrupted"] as const)
      expect(isFinished(s)).toBe(true);
  });

  it("counts memory, database and coalesced answers as served from the cache", () => {
    expect(["hit-memory", "hit-db", "coalesced"].every(isServedFromCache)).toBe(true);
    expect(["miss", "bypass", null, undefined].some(isServedFromCache)).toBe(false);
  });
});

describe("the browser's role order", () => {
  it("agrees with the server's for every pair of roles", () => {
    for (const actual of ROLES)
      for (const required of ROLES)
        expect(browserHasRole(actual, required)).toBe(serverHasRole(actual, required));
  });
});
