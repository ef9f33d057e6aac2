import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * The slice of the @upstash/redis client that @upstash/ratelimit's single-region sliding window,
 * fixed window and token bucket call (through its `safeEval`): `evalsha`, and `eval` after a
 * NOSCRIPT error. `get`/`set`/`del` (dynamic limits), `hset` (multi-region), `zincrby`/`pipeline`
 * (analytics) and `multi` (protection) are left out because Ensemble enables none of those.
 */
export interface RatelimitRedis {
  evalsha<TData = unknown>(sha1: string, keys: string[], args: unknown[]): Promise<TData>;
  eval<TData = unknown>(script: string, keys: string[], args: unknown[]): Promise<TData>;
}

// Upstash-only shebang flag that Redis 7.0 rejects ("Unexpected flag in script shebang"). The
// line is blanked rather than removed so Lua error line numbers still match the library source.
const UPSTASH_SHEBANG = /^#!lua[^\n]*/;

const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

/** Lua script text as Redis 7.0 accepts it. */
export function stripUpstashShebang(script: string): string {
  return script.replace(UPSTASH_SHEBANG, "");
}

const isNoScript = (error: unknown) => String(error).includes("NOSCRIPT");

// Ratelimit sends no nulls on the limit path, only in its reset script; Redis wants strings.
const toRedisArgs = (args: unknown[]) =>
  args.map((arg) => (arg === null || arg === undefined ? "" : (arg as string | number)));

const adapters = new WeakMap<Redis, RatelimitRedis>();

/**
 * Wraps an ioredis client so @upstash/ratelimit's own Lua runs on a self-hosted Redis. One adapter
 * per client (memoised), so every limiter on that client shares what it learned about scripts.
 */
export function redisAdapterFor(client: Redis): RatelimitRedis {
  const existing = adapters.get(client);
  if (existing) return existing;
  const adapter = createRedisAdapter(client);
  adapters.set(client, adapter);
  return adapter;
}

function createRedisAdapter(client: Redis): RatelimitRedis {
  // Ratelimit asks by the sha of its original script; Redis knows the stripped one. This maps the
  // first to the second once `eval` has seen the script text.
  const strippedShaOf = new Map<string, string>();

  const run = async <TData>(script: string, keys: string[], args: unknown[]) => {
    const stripped = stripUpstashShebang(script);
    const strippedSha = sha1(stripped);
    strippedShaOf.set(sha1(script), strippedSha);
    const redisArgs = toRedisArgs(args);
    try {
      return (await client.evalsha(strippedSha, keys.length, ...keys, ...redisArgs)) as TData;
    } catch (error) {
      if (!isNoScript(error)) throw error;
      // EVAL also caches the script, so later calls take the EVALSHA path above.
      return (await client.eval(stripped, keys.length, ...keys, ...redisArgs)) as TData;
    }
  };

  return {
    async evalsha<TData>(sha: string, keys: string[], args: unknown[]) {
      const strippedSha = strippedShaOf.get(sha);
      // Unknown sha: answer NOSCRIPT so Ratelimit falls back to `eval` with the script text.
      if (!strippedSha)
        throw new Error(`NOSCRIPT script ${sha} not yet loaded through this adapter`);
      return (await client.evalsha(
        strippedSha,
        keys.length,
        ...keys,
        ...toRedisArgs(args),
      )) as TData;
    },
    eval: run,
  };
}
