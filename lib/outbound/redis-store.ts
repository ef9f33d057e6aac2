import "server-only";
import type { Redis, Result } from "ioredis";
import type { OutboundStore } from "./window-store";

// KEYS: requests, input, output (sorted sets of "id:weight" scored by time), hold, sums (a hash
// of each log's running total, so a check costs the entries that expired, not the whole window).
// ARGV: window ms, rpm, itpm, otpm (0 = none), input weight, id.
// Returns 0 when admitted, else the ms to wait. Redis's clock, so instances need not agree.
const TAKE = `
local function weight(member) return tonumber(string.match(member, ':(%d+)$')) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local hold = redis.call('PTTL', KEYS[4])
if hold > 0 then return hold end
local win = tonumber(ARGV[1])
local limits = { tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]) }
local weights = { 1, tonumber(ARGV[5]), 1 }
local wait = 0
for i = 1, 3 do
  if limits[i] > 0 then
    local old = redis.call('ZRANGEBYSCORE', KEYS[i], '-inf', now - win)
    if #old > 0 then
      local gone = 0
      for _, member in ipairs(old) do gone = gone + weight(member) end
      redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - win)
      redis.call('HINCRBY', KEYS[5], i, -gone)
    end
    local used = tonumber(redis.call('HGET', KEYS[5], i) or '0')
    local need = used + math.min(weights[i], limits[i]) - limits[i]
    if need > 0 then
      -- Saturated: the wait is until enough of the oldest entries leave the window.
      local entries = redis.call('ZRANGE', KEYS[i], 0, -1, 'WITHSCORES')
      local freed = 0
      for j = 1, #entries, 2 do
        freed = freed + weight(entries[j])
        if freed >= need then
          wait = math.max(wait, tonumber(entries[j + 1]) + win - now, 1)
          break
        end
      end
      if freed < need then wait = math.max(wait, win) end
    end
  end
end
if wait > 0 then return wait end
for i = 1, 2 do
  if limits[i] > 0 then
    redis.call('ZADD', KEYS[i], now, ARGV[6] .. ':' .. weights[i])
    redis.call('HINCRBY', KEYS[5], i, weights[i])
  end
end
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], win * 2) end
redis.call('PEXPIRE', KEYS[5], win * 2)
return 0`;

// KEYS: input, output, sums. ARGV: id, estimate, real input, output, window ms.
const SETTLE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local score = redis.call('ZSCORE', KEYS[1], ARGV[1] .. ':' .. ARGV[2])
if score then
  redis.call('ZREM', KEYS[1], ARGV[1] .. ':' .. ARGV[2])
  redis.call('ZADD', KEYS[1], score, ARGV[1] .. ':' .. ARGV[3])
  redis.call('HINCRBY', KEYS[3], 2, tonumber(ARGV[3]) - tonumber(ARGV[2]))
end
if tonumber(ARGV[4]) > 0 then
  redis.call('ZADD', KEYS[2], now, ARGV[1] .. ':' .. ARGV[4])
  redis.call('HINCRBY', KEYS[3], 3, tonumber(ARGV[4]))
end
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[5]) * 2) end
return 0`;

// Only ever lengthens a hold: a later, shorter retry-after must not cut an earlier one short.
const HOLD = `
local left = redis.call('PTTL', KEYS[1])
if left < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 0`;

declare module "ioredis" {
  interface RedisCommander<Context> {
    outboundTake(
      requests: string,
      input: string,
      output: string,
      hold: string,
      sums: string,
      ...args: (string | number)[]
    ): Result<number, Context>;
    outboundSettle(
      input: string,
      output: string,
      sums: string,
      ...args: (string | number)[]
    ): Result<number, Context>;
    outboundHold(hold: string, ms: number): Result<number, Context>;
  }
}

/** The outbound store on Redis, shared by every instance: one script call per admission. */
export function createRedisOutboundStore(
  redis: Redis,
  windowMs: number,
  prefix = "ensemble:outbound:",
): OutboundStore {
  // defineCommand sends EVALSHA and falls back to EVAL on NOSCRIPT by itself.
  redis.defineCommand("outboundTake", { numberOfKeys: 5, lua: TAKE });
  redis.defineCommand("outboundSettle", { numberOfKeys: 3, lua: SETTLE });
  redis.defineCommand("outboundHold", { numberOfKeys: 1, lua: HOLD });
  // Braces: one hash slot per model, so a cluster runs the script on one node.
  const key = (model: string, part: string) => `${prefix}{${model}}:${part}`;
  return {
    async take({ id, model, limits, inputTokens }) {
      const waitMs = await redis.outboundTake(
        key(model, "req"),
        key(model, "in"),
        key(model, "out"),
        key(model, "hold"),
        key(model, "sums"),
        windowMs,
        limits.rpm ?? 0,
        limits.itpm ?? 0,
        limits.otpm ?? 0,
        Math.max(0, Math.round(inputTokens)),
        id,
      );
      return waitMs > 0 ? { ok: false, waitMs } : { ok: true };
    },
    async settle({ id, model, limits, inputTokens }, usage) {
      // Output is logged only where it is limited: an unread log would only grow.
      await redis.outboundSettle(
        key(model, "in"),
        key(model, "out"),
        key(model, "sums"),
        id,
        Math.max(0, Math.round(inputTokens)),
        Math.max(0, Math.round(usage.inputTokens)),
        limits.otpm ? Math.max(0, Math.round(usage.outputTokens)) : 0,
        windowMs,
      );
    },
    async hold(model, ms) {
      await redis.outboundHold(key(model, "hold"), Math.max(1, Math.ceil(ms)));
    },
  };
}
