import { describe, expect, it } from "vitest";
import type { AppError } from "@/lib/errors";
import {
  MAX_JSON_DEPTH,
  jsonDepthExceeds,
  parseJsonObject,
  readBodyBytes,
  readRequestBody,
} from "@/lib/gateway/read-body";

async function* chunks(count: number, size: number, onRead?: () => void) {
  for (let i = 0; i < count; i++) {
    onRead?.();
    yield new Uint8Array(size).fill(0x61);
  }
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as AppError).code;
  }
}

describe("reading a gateway body with a limit", () => {
  it("returns the bytes exactly as sent", async () => {
    const request = new Request("http://x/", { method: "POST", body: '{"a": 1 }' });
    expect((await readRequestBody(request, 1024)).toString()).toBe('{"a": 1 }');
  });

  it("refuses a Content-Length over the limit before reading a byte", async () => {
    let reads = 0;
    const code = await codeOf(
      readBodyBytes({ contentLength: "2048", chunks: chunks(4, 512, () => reads++) }, 1024),
    );
    expect(code).toBe("payload_too_large");
    expect(reads).toBe(0);
  });

  it("cuts a chunked body off at the limit and stops its producer", async () => {
    let reads = 0;
    let finished = false;
    async function* endless() {
      try {
        for (;;) {
          reads++;
          yield new Uint8Array(1000);
        }
      } finally {
        finished = true;
      }
    }
    expect(await codeOf(readBodyBytes({ contentLength: null, chunks: endless() }, 10_000))).toBe(
      "payload_too_large",
    );
    expect(reads).toBe(11);
    expect(finished).toBe(true);
  });

  it("cancels a Request's stream when it passes the limit", async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(new Uint8Array(4096)),
      cancel: () => void (cancelled = true),
    });
    const request = new Request("http://x/", {
      method: "POST",
      body: stream,
      // @ts-expect-error Node's fetch needs duplex for streamed bodies
      duplex: "half",
    });
    expect(await codeOf(readRequestBody(request, 100_000))).toBe("payload_too_large");
    expect(cancelled).toBe(true);
  });
});

describe("parsing a gateway body", () => {
  const bytes = (text: string) => Buffer.from(text);

  it("parses an object", () => {
    expect(parseJsonObject(bytes('{"model":"m","x":[1,{"y":"}"}]}'))).toEqual({
      model: "m",
      x: [1, { y: "}" }],
    });
  });

  it.each([
    ["", /empty/],
    ["{", /not valid JSON/],
    ["[1]", /must be a JSON object/],
    ["null", /must be a JSON object/],
  ])("refuses %j as an invalid_request_error", (text, message) => {
    expect(() => parseJsonObject(bytes(text))).toThrow(message);
  });

  it("refuses a 200,000-deep body as a 400, not a stack overflow", () => {
    const deep = `{"a":${"[".repeat(200_000)}${"]".repeat(200_000)}}`;
    let error: unknown;
    try {
      parseJsonObject(bytes(deep));
    } catch (e) {
      error = e;
    }
    expect((error as AppError).code).toBe("invalid_json");
    expect((error as AppError).status).toBe(400);
  });

  it("counts depth outside strings only, escapes included", () => {
    const inString = `{"a":"${"[".repeat(MAX_JSON_DEPTH + 10)}\\"{"}`;
    expect(jsonDepthExceeds(bytes(inString), MAX_JSON_DEPTH)).toBe(false);
    const exactly = "[".repeat(MAX_JSON_DEPTH) + "]".repeat(MAX_JSON_DEPTH);
    expect(jsonDepthExceeds(bytes(exactly), MAX_JSON_DEPTH)).toBe(false);
    expect(jsonDepthExceeds(bytes(`[${exactly}]`), MAX_JSON_DEPTH)).toBe(true);
  });
});
