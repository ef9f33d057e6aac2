import { describe, expect, it } from "vitest";
import { assertSameOrigin } from "@/lib/auth/authenticate";
import { AppError } from "@/lib/errors";

function request(method: string, headers: Record<string, string>) {
  return new Request("http://app.example/api/agents", {
    method,
    headers: { host: "app.example", ...headers },
  });
}

const refused = (method: string, headers: Record<string, string>) => () =>
  assertSameOrigin(request(method, headers));

describe("assertSameOrigin", () => {
  it("lets reads through from anywhere: GET, HEAD and OPTIONS change nothing", () => {
    for (const method of ["GET", "HEAD", "OPTIONS"]) {
      expect(
        refused(method, { origin: "https://evil.example", "sec-fetch-site": "cross-site" }),
      ).not.toThrow();
    }
  });

  it("accepts a write whose Origin matches the Host", () => {
    expect(refused("POST", { origin: "http://app.example" })).not.toThrow();
    expect(
      refused("DELETE", { origin: "https://app.example", "sec-fetch-site": "same-origin" }),
    ).not.toThrow();
  });

  it("refuses a write from another origin with a 403", () => {
    for (const origin of [
      "https://evil.example",
      "http://app.example.evil.example",
      "http://sub.app.example",
      "http://app.example:8080",
      "null",
      "not a url",
    ]) {
      expect(refused("POST", { origin }), origin).toThrow(AppError);
    }
    try {
      assertSameOrigin(request("PATCH", { origin: "https://evil.example" }));
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: "forbidden", status: 403 });
    }
  });

  it("ignores an X-Forwarded-Host no trusted proxy wrote (TRUST_PROXY_HOPS=0)", () => {
    // A cross-site page cannot make itself same-origin by naming its own host as forwarded.
    expect(
      refused("POST", { origin: "https://public.example", "x-forwarded-host": "public.example" }),
    ).toThrow(AppError);
    expect(
      refused("POST", { origin: "http://app.example", "x-forwarded-host": "public.example" }),
    ).not.toThrow();
    // Behind a trusted proxy (TRUST_PROXY_HOPS=1) the forwarded host is the one compared: see
    // tests/unit/http/client-address.test.ts and the invite test in auth-hardening.test.ts.
  });

  it("falls back to Sec-Fetch-Site when there is no Origin", () => {
    expect(refused("POST", { "sec-fetch-site": "cross-site" })).toThrow(AppError);
    expect(refused("POST", { "sec-fetch-site": "same-site" })).toThrow(AppError);
    expect(refused("POST", { "sec-fetch-site": "same-origin" })).not.toThrow();
    expect(refused("POST", { "sec-fetch-site": "none" })).not.toThrow();
  });

  it("lets a write with neither header through (non-browser clients; SameSite=Lax covers old browsers)", () => {
    expect(refused("POST", {})).not.toThrow();
  });
});
