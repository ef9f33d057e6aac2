import { describe, expect, it } from "vitest";
import { apiKeyFrom } from "@/lib/auth/authenticate";
import { SESSION_COOKIE, readCookie, sessionCookie } from "@/lib/auth/sessions";

const withHeaders = (headers: Record<string, string>) =>
  new Request("http://app.example/", { headers });

describe("readCookie", () => {
  it("finds the named cookie among others, ignoring whitespace", () => {
    const request = withHeaders({ cookie: "theme=dark;  ensemble_session=abc123 ; other=1" });
    expect(readCookie(request, SESSION_COOKIE)).toBe("abc123");
    expect(readCookie(request, "theme")).toBe("dark");
  });

  it("keeps '=' inside a value", () => {
    expect(readCookie(withHeaders({ cookie: "ensemble_session=a=b==" }), SESSION_COOKIE)).toBe(
      "a=b==",
    );
  });

  it("does not confuse a cookie whose name merely contains the one asked for", () => {
    const request = withHeaders({ cookie: "x_ensemble_session=evil; ensemble_session_old=old" });
    expect(readCookie(request, SESSION_COOKIE)).toBeUndefined();
  });

  it("returns undefined without a Cookie header and an empty string for an empty value", () => {
    expect(readCookie(withHeaders({}), SESSION_COOKIE)).toBeUndefined();
    expect(readCookie(withHeaders({ cookie: "ensemble_session=" }), SESSION_COOKIE)).toBe("");
  });
});

describe("sessionCookie", () => {
  it("is HttpOnly, SameSite=Lax, Path=/ with Max-Age in seconds, and Secure only over HTTPS", () => {
    const plain = sessionCookie("tok", { secure: false, maxAgeMs: 7_200_500 });
    expect(plain).toBe("ensemble_session=tok; Path=/; HttpOnly; SameSite=Lax; Max-Age=7200");
    expect(sessionCookie("tok", { secure: true, maxAgeMs: 1000 }).split("; ")).toContain("Secure");
  });

  it("clears the cookie with an empty value and Max-Age=0, never a negative age", () => {
    expect(sessionCookie("", { secure: false, maxAgeMs: -5000 })).toBe(
      "ensemble_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0",
    );
  });
});

describe("apiKeyFrom", () => {
  it("reads Authorization: Bearer (any case) before x-api-key, trimmed", () => {
    expect(apiKeyFrom(withHeaders({ authorization: "Bearer ens_a" }))).toBe("ens_a");
    expect(
      apiKeyFrom(withHeaders({ authorization: "bearer   ens_b  ", "x-api-key": "ens_c" })),
    ).toBe("ens_b");
    expect(apiKeyFrom(withHeaders({ "x-api-key": " ens_c " }))).toBe("ens_c");
  });

  it("finds no key in other schemes or empty headers", () => {
    expect(apiKeyFrom(withHeaders({ authorization: "Basic dXNlcjpwYXNz" }))).toBeUndefined();
    expect(apiKeyFrom(withHeaders({ "x-api-key": "   " }))).toBeUndefined();
    expect(apiKeyFrom(withHeaders({}))).toBeUndefined();
  });
});
