import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "@/lib/db/unavailable";
import { toAppError } from "@/lib/http/errors";

const prismaError = (code: string, meta?: unknown) =>
  Object.assign(new Error("x"), { name: "PrismaClientKnownRequestError", code, meta });

describe("isDatabaseUnavailable", () => {
  it.each([
    ["Prisma P1001 (server unreachable)", prismaError("P1001")],
    ["Prisma P1017 (connection closed)", prismaError("P1017")],
    ["Prisma P2024 (pool timeout)", prismaError("P2024")],
    [
      "an adapter ConnectionClosed",
      prismaError("P2010", { driverAdapterError: { cause: { kind: "ConnectionClosed" } } }),
    ],
    [
      "Postgres 57P01 (admin shutdown) through the adapter",
      prismaError("P2010", { driverAdapterError: { cause: { kind: "postgres", code: "57P01" } } }),
    ],
    ["Postgres 08006 on a pg error", Object.assign(new Error("x"), { code: "08006" })],
    [
      "a refused socket",
      Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
    ],
    ["pg's terminated connection", new Error("Connection terminated unexpectedly")],
    [
      "a cause two levels down",
      new Error("outer", { cause: new Error("x", { cause: prismaError("P1001") }) }),
    ],
  ])("is true for %s", (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ["a unique violation", prismaError("P2002")],
    ["a not-found", prismaError("P2025")],
    [
      "a NUL in text (22021)",
      prismaError("P2010", { driverAdapterError: { cause: { originalCode: "22021" } } }),
    ],
    ["a plain bug", new TypeError("undefined is not a function")],
    ["a string", "nope"],
  ])("is false for %s", (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it("maps to 503 unavailable with a retry-after, not 500 internal", () => {
    const appError = toAppError(prismaError("P1001"));
    expect(appError.code).toBe("unavailable");
    expect(appError.status).toBe(503);
    expect(appError.retryAfterMs).toBeGreaterThan(0);
  });
});
