import { describe, expect, it } from "vitest";
import { createSingleFlight } from "@/lib/cache/single-flight";
import { AppError } from "@/lib/errors";
import type { ModelStreamEvent } from "@/lib/llm/types";
import { deferred, drain, makeMessage, scripted } from "./fixtures/model";

const message = makeMessage("A shared answer, streamed in many small pieces.");

describe("createSingleFlight", () => {
  it("serves 100 identical concurrent callers from one upstream call with identical streams", async () => {
    const flights = createSingleFlight<ModelStreamEvent>();
    let computes = 0;
    const start = (signal: AbortSignal) => {
      computes += 1;
      return scripted(message, signal);
    };
    const outputs = await Promise.all(
      Array.from({ length: 100 }, () => drain(flights.join("k", start).events)),
    );
    expect(computes).toBe(1);
    const first = outputs[0];
    expect(first?.at(-1)).toEqual({ type: "message_stop" });
    for (const output of outputs) expect(output).toEqual(first);
    expect(flights.inFlight()).toBe(0);
  });

  it("gives a late joiner the events so far, then the live rest", async () => {
    const flights = createSingleFlight<ModelStreamEvent>();
    const gate = deferred();
    const leader = flights.join("k", (signal) =>
      scripted(message, signal, { gate: gate.promise, holdAt: 4 }),
    );
    const seen: ModelStreamEvent[] = [];
    const leaderDone = (async () => {
      for await (const event of leader.events) {
        seen.push(event);
      }
    })();
    while (seen.length < 4) await new Promise((r) => setTimeout(r, 0));

    const follower = flights.join("k", () => {
      throw new Error("a follower must not start upstream");
    });
    expect(follower.leader).toBe(false);
    const followerEvents = drain(follower.events);
    gate.resolve();
    await leaderDone;
    expect(await followerEvents).toEqual(seen);
    expect(seen.length).toBeGreaterThan(4);
  });

  it("hands the leader's mid-stream failure to every follower as the same AppError", async () => {
    const flights = createSingleFlight<ModelStreamEvent>();
    const failure = new AppError("upstream_overloaded", "overloaded");
    const start = (signal: AbortSignal) =>
      scripted(message, signal, { failAfter: 3, error: failure });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => drain(flights.join("k", start).events)),
    );
    for (const result of results) {
      expect(result.status).toBe("rejected");
      expect(result.status === "rejected" && result.reason).toBe(failure);
    }
    expect(flights.inFlight()).toBe(0);
  });

  it("wraps a non-AppError failure so followers can classify it", async () => {
    const flights = createSingleFlight<ModelStreamEvent>();
    const start = (signal: AbortSignal) =>
      scripted(message, signal, { failAfter: 2, error: new TypeError("socket") });
    await expect(drain(flights.join("k", start).events)).rejects.toMatchObject({
      code: "stream_interrupted",
    });
  });

  it("detaches only the follower that aborts; upstream carries on for the others", async () => {
    const flights = createSingleFlight<ModelStreamEvent>();
    const gate = deferred();
    let upstreamSignal: AbortSignal | undefined;
    const start = (signal: AbortSignal) => {
      upstreamSignal = signal;
      return scripted(message, signal, { gate: gate.promise, holdAt: 2 });
    };
    const leader = drain(flights.join("k", start).events);
    const quitter = new AbortController();
    const follower = drain(flights.join("k", start, { signal: quitter.signal }).events);
    quitter.abort();
    await expect(follower).rejects.toMatchObject({ code: "cancelled" });
    gate.resolve();
    expect((await leader).at(-1)).toEqual({ type: "message_stop" });
    expect(upstreamSignal?.aborted).toBe(false);
  });

  it("keeps upstream going when the leader aborts but a follower remains", async () => {
    const flights = createSingleFlight<ModelStreamEvent>();
    const gate = deferred();
    let upstreamSignal: AbortSignal | undefined;
    const start = (signal: AbortSignal) => {
      upstreamSignal = signal;
      return scripted(message, signal, { gate: gate.promise, holdAt: 2 });
    };
    const leaving = new AbortController();
    const leader = drain(flights.join("k", start, { signal: leaving.signal }).events);
    const follower = drain(flights.join("k", start).events);
    leaving.abort();
    await expect(leader).rejects.toMatchObject({ code: "cancelled" });
    gate.resolve();
    expect((await follower).at(-1)).toEqual({ type: "message_stop" });
    expect(upstreamSignal?.aborted).toBe(false);
  });

  it("aborts upstream once every participant has left, and lets the next caller start afresh", async () => {
    const flights = createSingleFlight<ModelStreamEvent>();
    const never = new Promise(() => {});
    let upstreamSignal: AbortSignal | undefined;
    let computes = 0;
    const start = (signal: AbortSignal) => {
      computes += 1;
      upstreamSignal = signal;
      return scripted(message, signal, { gate: never, holdAt: 1 });
    };
    const a = new AbortController();
    const b = new AbortController();
    const first = drain(flights.join("k", start, { signal: a.signal }).events);
    const second = drain(flights.join("k", start, { signal: b.signal }).events);
    a.abort();
    expect(upstreamSignal?.aborted).toBe(false);
    b.abort();
    await expect(first).rejects.toMatchObject({ code: "cancelled" });
    await expect(second).rejects.toMatchObject({ code: "cancelled" });
    expect(upstreamSignal?.aborted).toBe(true);
    expect(flights.inFlight()).toBe(0);
    expect(flights.join("k", (signal) => scripted(message, signal)).leader).toBe(true);
    expect(computes).toBe(1);
  });

  it("treats breaking out of the loop as leaving", async () => {
    const flights = createSingleFlight<ModelStreamEvent>();
    let upstreamSignal: AbortSignal | undefined;
    const { events } = flights.join("k", (signal) => {
      upstreamSignal = signal;
      return scripted(message, signal, { gate: new Promise(() => {}), holdAt: 2 });
    });
    for await (const _event of events) break;
    expect(upstreamSignal?.aborted).toBe(true);
  });
});
