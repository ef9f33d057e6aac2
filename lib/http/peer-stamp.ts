import "server-only";
import http from "node:http";
import https from "node:https";
import type { TLSSocket } from "node:tls";
import { PEER_ADDRESS_HEADER, PEER_PROTO_HEADER } from "./client-address";

const INSTALLED = Symbol.for("ensemble.peerStamp");

type Emit = (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;

function stamp(original: Emit): Emit {
  return function (this: http.Server, event, ...args) {
    if (event === "request") {
      const request = args[0] as http.IncomingMessage;
      const socket = request.socket as TLSSocket | undefined;
      // Overwrites whatever the client sent under these names.
      request.headers[PEER_ADDRESS_HEADER] = socket?.remoteAddress ?? "unknown";
      request.headers[PEER_PROTO_HEADER] = socket?.encrypted ? "https" : "http";
    }
    return original.call(this, event, ...args);
  };
}

/**
 * Stamps every request an HTTP(S) server of this process receives with its socket's address
 * and protocol (headers read by client-address.ts), before any listener (Next's included) sees
 * it. Called once at start-up from instrumentation.ts, which runs before Next serves requests;
 * idempotent. This is the one place that knows how the app is served.
 */
export function installPeerStamp(): void {
  for (const Server of [http.Server, https.Server]) {
    const proto = Server.prototype as unknown as { emit: Emit; [INSTALLED]?: true };
    if (proto[INSTALLED]) continue;
    proto.emit = stamp(proto.emit);
    proto[INSTALLED] = true;
  }
}
