/**
 * The gateway's body reader over real HTTP: a 40 MB chunked upload is cut off at the limit and
 * answered 413 in the API's envelope, without the server holding more than the limit — and the
 * memory it held is released once the answer is sent.
 */
import { type Server, createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it } from "vitest";
import { anthropicErrorResponse } from "@/lib/gateway/anthropic-errors";
import { DEFAULT_MAX_BODY_BYTES, readBodyBytes } from "@/lib/gateway/read-body";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const MB = 1024 * 1024;
let server: Server | undefined;
afterEach(
  () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
);

/** A server that reads each body with the gateway's reader and counts the bytes it took in. */
async function startReader(limit: number) {
  const seen = { bytes: 0 };
  server = createServer(async (req, res) => {
    req.on("data", (chunk: Buffer) => (seen.bytes += chunk.length));
    let response: Response;
    try {
      const body = await readBodyBytes(
        { contentLength: req.headers["content-length"], chunks: req },
        limit,
      );
      response = Response.json({ bytes: body.length });
    } catch (error) {
      response = anthropicErrorResponse(error);
    }
    res.writeHead(response.status, { "content-type": "application/json", connection: "close" });
    res.end(await response.text());
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return { port: (server!.address() as AddressInfo).port, seen };
}

/** The server refused the body by closing the connection before its answer could be read. */
const RESET = 0;

/**
 * Sends `total` bytes chunked (one reused 64 KB buffer), sampling memory as it goes. A server
 * that refuses a body closes the connection after its answer; the client, still writing, may
 * then see EPIPE/ECONNRESET before it has read that answer (a race on a loaded machine): the
 * status is then RESET.
 */
function upload(port: number, total: number, headers: Record<string, string> = {}) {
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let peak = process.memoryUsage().arrayBuffers;
  const sample = () => (peak = Math.max(peak, process.memoryUsage().arrayBuffers));
  return new Promise<{ status: number; body: string; peak: number }>((resolve, reject) => {
    const req = httpRequest(
      { host: "127.0.0.1", port, method: "POST", path: "/", headers },
      (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode!, body, peak: sample() }));
      },
    );
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE" || error.code === "ECONNRESET") {
        resolve({ status: RESET, body: "", peak: sample() });
      } else reject(error);
    });
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        sent += chunk.length;
        sample();
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

describe("the gateway's body limit over HTTP", () => {
  it("refuses a 40 MB chunked body at the default 32 MB limit, holding no more than the limit, and frees it", async () => {
    const { port, seen } = await startReader(DEFAULT_MAX_BODY_BYTES);
    gc();
    const before = process.memoryUsage().arrayBuffers;
    const result = await upload(port, 40 * MB);
    expect([413, RESET]).toContain(result.status);
    if (result.status === 413) expect(JSON.parse(result.body).error.type).toBe("request_too_large");
    expect(result.peak - before).toBeLessThan(DEFAULT_MAX_BODY_BYTES + 4 * MB);
    // Freed: the chunks become garbage once the request is refused. A collection may need a few
    // turns of the event loop (the socket lets go of its last buffers asynchronously).
    let held = Infinity;
    for (let i = 0; i < 50 && held >= 4 * MB; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
      held = process.memoryUsage().arrayBuffers - before;
    }
    expect(held).toBeLessThan(4 * MB);
    expect(seen.bytes).toBeGreaterThan(DEFAULT_MAX_BODY_BYTES);
  });

  it("with a small limit, a 40 MB chunked body grows memory by a few MB at most", async () => {
    const { port } = await startReader(MB);
    gc();
    const before = process.memoryUsage().arrayBuffers;
    const result = await upload(port, 40 * MB);
    expect([413, RESET]).toContain(result.status);
    expect(result.peak - before).toBeLessThan(4 * MB);
  });

  it("refuses a Content-Length over the limit before reading the body", async () => {
    const { port, seen } = await startReader(MB);
    const result = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: "127.0.0.1",
          port,
          method: "POST",
          path: "/",
          headers: { "content-length": String(2 * MB) },
        },
        (res) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c));
          res.on("end", () => resolve({ status: res.statusCode!, body }));
        },
      );
      req.on("error", reject);
      // Only the headers: the answer must come without a byte of the body.
      req.flushHeaders();
    });
    expect(result.status).toBe(413);
    expect(JSON.parse(result.body)).toMatchObject({
      type: "error",
      error: { type: "request_too_large" },
    });
    expect(seen.bytes).toBe(0);
  });

  it("accepts a body at the limit, byte for byte", async () => {
    const { port } = await startReader(MB);
    const result = await upload(port, MB);
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ bytes: MB });
  });
});
