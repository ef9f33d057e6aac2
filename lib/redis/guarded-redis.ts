import "server-only";
import { type Command, Redis, type RedisOptions } from "ioredis";
import { type RedisCircuit, createRedisCircuit } from "./circuit";

/** What a command gets, at once, while the Redis circuit is open. */
export class RedisUnavailableError extends Error {
  constructor() {
    super("redis unavailable (circuit open)");
    this.name = "RedisUnavailableError";
  }
}

/** Redis answered with an error (NOSCRIPT, WRONGTYPE, …): it is there, so not an outage. */
const isReplyError = (error: unknown) => (error as { name?: unknown })?.name === "ReplyError";

/**
 * An ioredis client whose every command (pipelines and MULTI included: they go through
 * sendCommand too) passes a circuit breaker shared by the client and its duplicates: once
 * Redis fails, commands fail in microseconds until the connection is back or a probe succeeds.
 */
export class GuardedRedis extends Redis {
  readonly circuit: RedisCircuit;

  /** `url` as ioredis takes it; a duplicate passes none (its options hold the parsed URL). */
  constructor(
    url: string | undefined,
    options: RedisOptions & { circuit?: RedisCircuit; cooldownMs?: number },
  ) {
    const { circuit, cooldownMs, ...rest } = options;
    const redisOptions = rest as RedisOptions & { replyMapping?: "legacy" };
    if (url === undefined) super(redisOptions);
    else super(url, redisOptions);
    this.circuit = circuit ?? createRedisCircuit({ cooldownMs: cooldownMs ?? 1_000 });
    // The socket closed: fail fast now rather than after per-command timeouts.
    this.on("close", () => this.circuit.disconnected());
  }

  override sendCommand(command: Command, stream?: Parameters<Redis["sendCommand"]>[1]): unknown {
    if (!this.circuit.allow(this.status)) {
      command.reject(new RedisUnavailableError());
      return command.promise;
    }
    const result = super.sendCommand(command, stream);
    command.promise.then(
      () => this.circuit.succeeded(),
      (error: unknown) => (isReplyError(error) ? this.circuit.succeeded() : this.circuit.failed()),
    );
    return result;
  }

  /** A second connection (a subscriber) behind the same circuit, with its own error handler. */
  override duplicate<O extends Partial<RedisOptions> | undefined = undefined>(
    override?: O,
  ): ReturnType<Redis["duplicate"]> {
    const copy = new GuardedRedis(undefined, {
      ...this.options,
      ...override,
      circuit: this.circuit,
    });
    // The first connection logs; an 'error' without a listener would print an unhandled stack.
    copy.on("error", () => {});
    return copy as unknown as ReturnType<Redis["duplicate"]>;
  }
}
