import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import { createGatewayUpstream } from "@/lib/gateway/gateway-upstream";
import type { CallOptions, RawRequest, UpstreamResponse } from "@/lib/llm/types";

const request: RawRequest = { path: "/v1/messages", body: "{}", headers: new Headers() };

/** An upstream (the seam) that answers its head at once and then sends a chunk every `everyMs`. */
function trickling(everyMs: number, chunks = Infinity) {
  let aborted = false;
  const send = async (_r: RawRequest, options?: CallOptions): Promise<UpstreamResponse> => {
    const signal = options!.signal!;
    signal.addEventListener("abort", () => (aborted = true));
    async function* body() {
      for (let i = 0; i < chunks; i++) {
        // A real body's read fails as soon as its request is aborted.
        await new Promise((resolve, reject) => {
          const timer = setTimeout(resolve, everyMs);
          signal.addEventListener("abort", () => {
            clearTimeout(timer);
            reject(new Error("aborted"));
          });
        });
        yield new TextEncoder().encode("x");
      }
    }
    return { status: 200, headers: new Headers(), body: body() };
  };
  return { send, aborted: () => aborted };
}

/** An upstream that never answers until aborted. */
const hanging = (_r: RawRequest, options?: CallOptions) =>
  new Promise<UpstreamResponse>((_, reject) =>
    options!.signal!.addEventListener("abort", () => reject(new Error("aborted"))),
  );

async function drain(body: AsyncIterable<Uint8Array> | null): Promise<unknown> {
  try {
    for await (const chunk of body ?? []) void chunk;
    return null;
  } catch (error) {
    return error;
  }
}

describe("createGatewayUpstream", () => {
  it("starts the first-byte clock when the outbound limits admit the call, not before", async () => {
    const call = createGatewayUpstream({
      // Waits 60 ms for outbound room, as limitOutbound would, then answers at once.
      send: async (r, options) => {
        await new Promise((resolve) => setTimeout(resolve, 60));
        // A real send fails once its request is aborted.
        options!.signal!.throwIfAborted();
        r.outbound?.onWait?.(60);
        return { status: 200, headers: new Headers(), body: null };
      },
      maxConcurrency: 1,
      firstByteTimeoutMs: 20,
      idleTimeoutMs: 10_000,
    });
    const waited: number[] = [];
    const limited = {
      ...request,
      outbound: { model: "m", teamId: "t", onWait: (ms: number) => waited.push(ms) },
    };
    const response = await call(limited, new AbortController().signal);
    expect(response.status).toBe(200);
    expect(waited).toEqual([60]);
  });

  it("answers upstream_timeout when no head comes within the first-byte timeout, and frees its permit", async () => {
    const call = createGatewayUpstream({
      send: hanging,
      maxConcurrency: 1,
      firstByteTimeoutMs: 20,
      idleTimeoutMs: 10_000,
    });
    for (let i = 0; i < 2; i++) {
      const error = await call(request, new AbortController().signal).catch((e: unknown) => e);
      expect(isAppError(error) && error.code).toBe("upstream_timeout");
      expect((error as Error).message).toMatch(/no response within/);
    }
  });

  it("cuts a silent stream at the idle timeout", async () => {
    const upstream = trickling(10_000);
    const call = createGatewayUpstream({
      send: upstream.send,
      maxConcurrency: 1,
      firstByteTimeoutMs: 10_000,
      idleTimeoutMs: 20,
    });
    const response = await call(request, new AbortController().signal);
    const error = await drain(response.body);
    expect(isAppError(error) && error.code).toBe("upstream_timeout");
    expect((error as Error).message).toMatch(/sent nothing for/);
    expect(upstream.aborted()).toBe(true);
  });

  it("cuts a stream that keeps trickling at the total cap, though it is never idle", async () => {
    const upstream = trickling(5);
    const call = createGatewayUpstream({
      send: upstream.send,
      maxConcurrency: 1,
      firstByteTimeoutMs: 10_000,
      idleTimeoutMs: 10_000,
      totalTimeoutMs: 60,
    });
    const response = await call(request, new AbortController().signal);
    const error = await drain(response.body);
    expect(isAppError(error) && error.code).toBe("upstream_timeout");
    expect((error as Error).message).toMatch(/took longer than/);
    expect(upstream.aborted()).toBe(true);
    // The permit came back: a second call gets through the pool of one.
    const again = await call(request, new AbortController().signal);
    expect(again.status).toBe(200);
    await drain(again.body);
  });

  it("leaves a call that ends within the cap alone", async () => {
    const upstream = trickling(1, 3);
    const call = createGatewayUpstream({
      send: upstream.send,
      maxConcurrency: 1,
      firstByteTimeoutMs: 10_000,
      idleTimeoutMs: 10_000,
      totalTimeoutMs: 10_000,
    });
    const response = await call(request, new AbortController().signal);
    expect(await drain(response.body)).toBeNull();
    expect(upstream.aborted()).toBe(false);
  });
});
