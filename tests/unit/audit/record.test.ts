import { describe, expect, it } from "vitest";
import { USER_AGENT_MAX, auditOrigin, scrubDetails } from "@/lib/audit/record";
import { PEER_ADDRESS_HEADER } from "@/lib/http/client-address";
import { describeDetails } from "@/lib/query/audit";

describe("audit details", () => {
  it("drops anything named like a secret, at any depth, and absent values", () => {
    expect(
      scrubDetails({
        role: "admin",
        password: "hunter2",
        apiKey: "ens_x",
        key: "ens_y",
        token: "t",
        system: "You are…",
        prompt: "p",
        nested: { authorization: "Bearer z", count: 2 },
        fields: ["system", "temperature"],
        gone: undefined,
      }),
    ).toEqual({ role: "admin", nested: { count: 2 }, fields: ["system", "temperature"] });
  });

  it("reads a change as from → to, and the rest as key: value", () => {
    expect(describeDetails({ from: "member", to: "admin" })).toBe("member → admin");
    expect(describeDetails({ setting: "gatewayClientCredentials", from: false, to: true })).toBe(
      "gatewayClientCredentials: false → true",
    );
    expect(describeDetails({ created: 1, names: ["a", "b"], expiresAt: null })).toBe(
      "created: 1 · names: a, b",
    );
  });
});

describe("audit origin", () => {
  it("takes the stamped client address and truncates the user agent", () => {
    const request = new Request("http://h.example/api/x", {
      headers: { [PEER_ADDRESS_HEADER]: "10.0.0.9", "user-agent": "u".repeat(1000) },
    });
    const origin = auditOrigin(request);
    expect(origin.address).toBe("10.0.0.9");
    expect(origin.userAgent).toBe("u".repeat(USER_AGENT_MAX));
  });
});
