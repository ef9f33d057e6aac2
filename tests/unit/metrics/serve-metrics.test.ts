import { describe, expect, it } from "vitest";
import { PEER_ADDRESS_HEADER } from "@/lib/http/client-address";
import { refuseMetrics } from "@/lib/metrics/serve-metrics";

const request = (headers: Record<string, string>) =>
  new Request("http://localhost/api/metrics", { headers });

describe("who may read /api/metrics", () => {
  it("with METRICS_TOKEN, answers 401 without the bearer token, even on loopback", () => {
    const refused = refuseMetrics(request({ [PEER_ADDRESS_HEADER]: "127.0.0.1" }), "s3cret-token");
    expect(refused?.status).toBe(401);
    expect(
      refuseMetrics(
        request({ authorization: "Bearer wrong", [PEER_ADDRESS_HEADER]: "127.0.0.1" }),
        "s3cret-token",
      )?.status,
    ).toBe(401);
  });

  it("with METRICS_TOKEN, lets the bearer of it in from anywhere", () => {
    const allowed = refuseMetrics(
      request({ authorization: "Bearer s3cret-token", [PEER_ADDRESS_HEADER]: "203.0.113.7" }),
      "s3cret-token",
    );
    expect(allowed).toBeNull();
  });

  it("without a token, lets only loopback callers in", () => {
    expect(refuseMetrics(request({ [PEER_ADDRESS_HEADER]: "::1" }), undefined)).toBeNull();
    expect(refuseMetrics(request({ [PEER_ADDRESS_HEADER]: "10.0.0.8" }), undefined)?.status).toBe(
      403,
    );
  });
});
