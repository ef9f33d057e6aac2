import { describe, expect, it } from "vitest";
import {
  clientResponseHeaders,
  upstreamRequestHeaders,
  upstreamUrl,
} from "@/lib/gateway/forward-headers";

describe("headers between the client and the upstream", () => {
  const client = new Headers({
    "anthropic-version": "2023-06-01",
    "anthropic-beta": "a-2025-01-01,b-2026-04-07",
    "content-type": "application/json",
    "x-api-key": "ens_client_key_000000",
    authorization: "Bearer ens_client_key_000000",
    cookie: "ensemble_session=abc",
    "x-ensemble-cache": "force",
    "x-stainless-os": "Linux",
  });

  it("forwards anthropic-* and content-type unchanged, replacing the credentials with the server's key", () => {
    const h = upstreamRequestHeaders(client, { kind: "server" }, "sk-ant-server");
    expect(Object.fromEntries(h)).toEqual({
      "anthropic-version": "2023-06-01",
      "anthropic-beta": "a-2025-01-01,b-2026-04-07",
      "content-type": "application/json",
      "x-api-key": "sk-ant-server",
    });
  });

  it("passes the client's own credential under its own header in x-ensemble-key mode", () => {
    const h = upstreamRequestHeaders(
      new Headers({ authorization: "Bearer sk-ant-oat-own", "anthropic-version": "2023-06-01" }),
      { kind: "client", header: "authorization", value: "Bearer sk-ant-oat-own" },
      "sk-ant-server",
    );
    expect(h.get("authorization")).toBe("Bearer sk-ant-oat-own");
    expect(h.get("x-api-key")).toBeNull();
  });

  it("returns request-id, rate-limit and retry headers to the client byte for byte", () => {
    const upstream = new Headers({
      "request-id": "req_011CSHoEeqs5C35K2UUqR7Fy",
      "anthropic-ratelimit-requests-remaining": "49",
      "anthropic-ratelimit-tokens-reset": "2026-12-01T01:00:00Z",
      "retry-after": "7",
      "retry-after-ms": "6543.21",
      "x-should-retry": "false",
      "content-type": "application/json",
      "set-cookie": "cf=1",
      via: "1.1 cloudflare",
    });
    expect(Object.fromEntries(clientResponseHeaders(upstream))).toEqual({
      "request-id": "req_011CSHoEeqs5C35K2UUqR7Fy",
      "anthropic-ratelimit-requests-remaining": "49",
      "anthropic-ratelimit-tokens-reset": "2026-12-01T01:00:00Z",
      "retry-after": "7",
      "retry-after-ms": "6543.21",
      "x-should-retry": "false",
      "content-type": "application/json",
    });
  });

  it("keeps the base URL's path and the client's query string", () => {
    expect(upstreamUrl("https://proxy.example/anthropic/", "/v1/messages", "?beta=true")).toBe(
      "https://proxy.example/anthropic/v1/messages?beta=true",
    );
  });
});
