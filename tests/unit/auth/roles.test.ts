import { describe, expect, it } from "vitest";
import { type Role, hasRole, requireRole } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";

const ORDER: Role[] = ["member", "admin", "owner"];

describe("roles", () => {
  it("orders owner above admin above member, each role including those below it", () => {
    for (const [i, actual] of ORDER.entries()) {
      for (const [j, required] of ORDER.entries()) {
        expect(hasRole(actual, required), `${actual} as ${required}`).toBe(i >= j);
      }
    }
  });

  it("throws a 403 naming both roles when the caller's role is too low", () => {
    const error = (() => {
      try {
        requireRole("admin", "owner");
      } catch (e) {
        return e;
      }
    })();

    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "forbidden", status: 403 });
    expect((error as AppError).message).toContain("owner");
    expect((error as AppError).message).toContain("admin");
  });

  it("lets a role at or above the requirement through", () => {
    expect(() => requireRole("owner", "owner")).not.toThrow();
    expect(() => requireRole("owner", "member")).not.toThrow();
    expect(() => requireRole("member", "member")).not.toThrow();
    expect(() => requireRole("member", "admin")).toThrow(AppError);
  });
});
