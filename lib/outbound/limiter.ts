import { randomUUID } from "node:crypto";
import { AppError } from "@/lib/errors";
import { type OutboundLimitTable, limitsFor } from "./limits";
import type { Admission, OutboundStore } from "./window-store";

export interface AcquireRequest {
  model: string;
  /** The fair queue's unit: teams take turns when a model is saturated. */
  teamId: string;
  /** An estimate, settled with the real count after the call. */
  inputTokens: number;
  /** How long this call may wait for room before it fails 429. @default Infinity (its signal bounds it) */
  maxWaitMs?: number;
  signal?: AbortSignal;
}

/** An admitted call: settle it once with what the upstream reported (or null: nothing known). */
export interface OutboundPermit {
  /** How long the call waited for room, in ms (0 on the fast path). */
  waitedMs: number;
  settle(usage: { inputTokens: number; outputTokens: number } | null): void;
}

export interface OutboundLimiter {
  acquire(request: AcquireRequest): Promise<OutboundPermit>;
  /** Holds every instance's calls for `model` for `ms` (adaptive: a 429, an exhausted budget). */
  hold(model: string, ms: number): void;
  /** Calls waiting in this process. */
  waiting(): number;
}

export interface OutboundLimiterOptions {
  store: OutboundStore;
  limits: OutboundLimitTable;
  /** Told when a wait ends: admitted after waiting, or refused. */
  onWait?: (model: string, ms: number, outcome: "admitted" | "refused") => void;
  /** A store failure: the call goes ahead (the upstream's own limit still stands behind it). */
  onStoreError?: (error: unknown) => void;
  /** Longest pause between two looks at a saturated model. @default 1000 */
  maxPollMs?: number;
}

interface Waiter {
  admission: Admission;
  teamId: string;
  startedAt: number;
  resolve: (permit: OutboundPermit) => void;
  reject: (error: unknown) => void;
  lastWaitMs: number;
  done: boolean;
}

/** A model's waiters, one FIFO per team, served round-robin by one pump. */
interface ModelQueue {
  teams: Map<string, Waiter[]>;
  pumping: boolean;
}

/**
 * Outbound limits as a composable step, "acquire before, settle after": the fast path (nobody
 * waiting for the model here) is one store call; otherwise the call joins its team's queue and
 * one pump per model admits teams in turn as the store makes room, so one team's burst cannot
 * starve another's calls. A call waits up to its bound, then fails 429 with retry-after.
 */
export function createOutboundLimiter(options: OutboundLimiterOptions): OutboundLimiter {
  return new Limiter(options);
}

class Limiter implements OutboundLimiter {
  readonly #o: OutboundLimiterOptions;
  readonly #queues = new Map<string, ModelQueue>();
  #waiting = 0;

  constructor(options: OutboundLimiterOptions) {
    this.#o = options;
  }

  async acquire(request: AcquireRequest): Promise<OutboundPermit> {
    request.signal?.throwIfAborted();
    const admission: Admission = {
      id: randomUUID(),
      model: request.model,
      limits: limitsFor(this.#o.limits, request.model),
      inputTokens: request.inputTokens,
    };
    // Fast path: nobody here is waiting for this model, so asking the store is fair.
    if (!this.#queues.has(request.model)) {
      const result = await this.#take(admission);
      if (result.ok) return this.#permit(admission, 0);
      if ((request.maxWaitMs ?? Infinity) <= 0) throw refusal(request.model, 0, result.waitMs);
      return this.#enqueue(request, admission, result.waitMs);
    }
    return this.#enqueue(request, admission, 0);
  }

  hold(model: string, ms: number): void {
    void this.#o.store.hold(model, ms).catch((e: unknown) => this.#o.onStoreError?.(e));
  }

  waiting(): number {
    return this.#waiting;
  }

  async #take(admission: Admission) {
    try {
      return await this.#o.store.take(admission);
    } catch (error) {
      this.#o.onStoreError?.(error);
      return { ok: true as const };
    }
  }

  #permit(admission: Admission, waitedMs: number): OutboundPermit {
    let settled = false;
    return {
      waitedMs,
      settle: (usage) => {
        if (settled) return;
        settled = true;
        if (usage === null) return;
        void this.#o.store.settle(admission, usage).catch((e) => this.#o.onStoreError?.(e));
      },
    };
  }

  #enqueue(request: AcquireRequest, admission: Admission, firstWaitMs: number) {
    return new Promise<OutboundPermit>((resolve, reject) => {
      // It may have been aborted while the fast path asked the store.
      if (request.signal?.aborted) return reject(request.signal.reason);
      const queue = this.#queues.get(request.model) ?? { teams: new Map(), pumping: false };
      this.#queues.set(request.model, queue);
      const line = queue.teams.get(request.teamId) ?? [];
      queue.teams.set(request.teamId, line);
      const startedAt = Date.now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const cleanup = () => {
        clearTimeout(timer);
        request.signal?.removeEventListener("abort", onAbort);
      };
      const waiter: Waiter = {
        admission,
        teamId: request.teamId,
        startedAt,
        lastWaitMs: firstWaitMs,
        done: false,
        resolve: (permit) => {
          cleanup();
          resolve(permit);
        },
        reject,
      };
      line.push(waiter);
      this.#waiting++;
      const fail = (error: unknown) => {
        if (waiter.done) return;
        waiter.done = true;
        this.#waiting--;
        cleanup();
        this.#leave(request.model, waiter);
        reject(error);
      };
      const onAbort = () => fail(request.signal?.reason);
      request.signal?.addEventListener("abort", onAbort, { once: true });
      const bound = request.maxWaitMs ?? Infinity;
      if (Number.isFinite(bound)) {
        timer = setTimeout(() => {
          this.#o.onWait?.(request.model, Date.now() - startedAt, "refused");
          fail(refusal(request.model, bound, waiter.lastWaitMs));
        }, bound);
      }
      if (!queue.pumping) void this.#pump(request.model, queue);
    });
  }

  /** Admits the model's waiters, teams in turn, each as soon as the store has room for it. */
  async #pump(model: string, queue: ModelQueue): Promise<void> {
    queue.pumping = true;
    try {
      while (queue.teams.size > 0) {
        const [teamId, line] = queue.teams.entries().next().value as [string, Waiter[]];
        const waiter = line[0]!;
        const result = await this.#take(waiter.admission);
        if (!result.ok) {
          waiter.lastWaitMs = result.waitMs;
          await new Promise((r) =>
            setTimeout(r, Math.min(result.waitMs, this.#o.maxPollMs ?? 1000)),
          );
          continue;
        }
        const at = line.indexOf(waiter);
        if (at !== -1) line.splice(at, 1);
        // Round-robin: a team that was served goes to the back of the line of teams.
        queue.teams.delete(teamId);
        if (line.length > 0) queue.teams.set(teamId, line);
        this.#admit(model, waiter);
      }
    } finally {
      queue.pumping = false;
      if (queue.teams.size === 0) this.#queues.delete(model);
    }
  }

  #admit(model: string, waiter: Waiter): void {
    if (waiter.done) {
      // It left while its admission was in flight: the room it took goes back.
      this.#permit(waiter.admission, 0).settle({ inputTokens: 0, outputTokens: 0 });
      return;
    }
    waiter.done = true;
    this.#waiting--;
    const waited = Date.now() - waiter.startedAt;
    this.#o.onWait?.(model, waited, "admitted");
    waiter.resolve(this.#permit(waiter.admission, waited));
  }

  #leave(model: string, waiter: Waiter): void {
    const queue = this.#queues.get(model);
    const line = queue?.teams.get(waiter.teamId);
    if (!queue || !line) return;
    const at = line.indexOf(waiter);
    if (at !== -1) line.splice(at, 1);
    if (line.length === 0) queue.teams.delete(waiter.teamId);
  }
}

function refusal(model: string, waitedMs: number, retryAfterMs: number): AppError {
  return new AppError(
    "upstream_rate_limited",
    `The outbound rate limit for ${model} is reached` +
      (waitedMs > 0 ? `; the call waited ${Math.round(waitedMs / 100) / 10} s` : ""),
    { retryAfterMs: Math.max(1000, retryAfterMs), details: { outbound: true } },
  );
}
