import { describe, expect, it } from "vitest";
import {
  PEER_ADDRESS_HEADER,
  PEER_PROTO_HEADER,
  clientAddress,
  requestHost,
  requestOrigin,
  requestProto,
} from "@/lib/http/client-address";

const request = (headers: Record<string, string>) =>
  new Request("http://app.internal:3000/api/x", { headers });

describe("finding 3: forwarding headers are believed only from trusted proxy hops", () => {
  const spoofed = request({
    [PEER_ADDRESS_HEADER]: "10.0.0.7",
    [PEER_PROTO_HEADER]: "http",
    host: "ensemble.example",
    "x-forwarded-for": "203.0.113.9, 198.51.100.1",
    "x-forwarded-host": "evil.example",
    "x-forwarded-proto": "https",
  });

  it("uses the socket's address, Host and protocol with no trusted hops", () => {
    expect(clientAddress(spoofed, 0)).toBe("10.0.0.7");
    expect(requestHost(spoofed, 0)).toBe("ensemble.example");
    expect(requestProto(spoofed, 0)).toBe("http");
  });

  it("takes the entry the outermost trusted proxy wrote, never one left of it", () => {
    expect(clientAddress(spoofed, 1)).toBe("198.51.100.1");
    expect(clientAddress(spoofed, 2)).toBe("203.0.113.9");
    // More hops configured than entries present: the leftmost there is.
    expect(clientAddress(spoofed, 5)).toBe("203.0.113.9");
    expect(requestHost(spoofed, 1)).toBe("evil.example");
    expect(requestProto(spoofed, 1)).toBe("https");
  });

  it("falls back to the socket when a trusted proxy sent nothing", () => {
    const plain = request({ [PEER_ADDRESS_HEADER]: "10.0.0.8", host: "h.example" });
    expect(clientAddress(plain, 1)).toBe("10.0.0.8");
    expect(requestHost(plain, 1)).toBe("h.example");
  });

  it("says https when the socket itself was TLS", () => {
    const tls = request({ [PEER_PROTO_HEADER]: "https", host: "secure.example" });
    expect(requestProto(tls, 0)).toBe("https");
    expect(requestOrigin(tls)).toBe("https://secure.example");
  });
});
