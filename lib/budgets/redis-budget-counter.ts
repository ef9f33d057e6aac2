import "server-only";
import type { Redis } from "ioredis";
import {
  type BudgetCounter,
  type CounterWindow,
  RESERVATION_TTL_MS,
  type ReserveResult,
} from "./budget-counter";

/**
 * Drops a window's expired reservations (their process died before settling). KEYS[i] is the
 * window's hash (spent, reserved, seeded, r:<id>), KEYS[i+1] its reservations by expiry.
 */
const PURGE = `
local function purge(h, z, now)
  local gone = redis.call('ZRANGEBYSCORE', z, '-inf', now)
  for _, id in ipairs(gone) do
    local amount = redis.call('HGET', h, 'r:' .. id)
    if amount then
      redis.call('HINCRBY', h, 'reserved', -tonumber(amount))
      redis.call('HDEL', h, 'r:' .. id)
    end
    redis.call('ZREM', z, id)
  end
end
`;

/** ARGV: now, ttl, id, amount, then limit and expireAt per window. All or nothing. */
const RESERVE = `${PURGE}
local now, ttl, id, amount = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local n = #KEYS / 2
local unseeded = {}
local spent = {}
for i = 1, n do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  purge(h, z, now)
  if redis.call('HEXISTS', h, 'seeded') == 0 then table.insert(unseeded, i - 1) end
end
if #unseeded > 0 then return {'unseeded', unseeded} end
for i = 1, n do
  local h = KEYS[2 * i - 1]
  local s = tonumber(redis.call('HGET', h, 'spent') or '0')
  local r = tonumber(redis.call('HGET', h, 'reserved') or '0')
  spent[i] = s
  if s + r >= tonumber(ARGV[3 + 2 * i]) then return {'refused', i - 1, s} end
end
for i = 1, n do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  redis.call('HSET', h, 'r:' .. id, amount)
  redis.call('HINCRBY', h, 'reserved', amount)
  redis.call('ZADD', z, now + ttl, id)
  redis.call('PEXPIREAT', h, ARGV[4 + 2 * i])
  redis.call('PEXPIREAT', z, ARGV[4 + 2 * i])
end
return {'ok', spent}
`;

/** ARGV: id, actual. Releases the reservation if held; adds the cost once. */
const SETTLE = `
local id, actual = ARGV[1], tonumber(ARGV[2])
local out = {}
for i = 1, #KEYS / 2 do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  local amount = redis.call('HGET', h, 'r:' .. id)
  if amount then
    redis.call('HINCRBY', h, 'reserved', -tonumber(amount))
    redis.call('HDEL', h, 'r:' .. id)
    redis.call('ZREM', z, id)
  end
  if redis.call('EXISTS', h) == 1 then
    out[i] = redis.call('HINCRBY', h, 'spent', actual)
  else
    out[i] = 0
  end
end
return out
`;

/** ARGV: spent, expireAt, replace ('1' rebuilds, '0' seeds only if unseeded). */
const SEED = `
if ARGV[3] == '0' and redis.call('HEXISTS', KEYS[1], 'seeded') == 1 then return 0 end
redis.call('HSET', KEYS[1], 'spent', ARGV[1], 'seeded', '1')
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
return 1
`;

const keysOf = (windows: readonly CounterWindow[]) =>
  windows.flatMap((w) => [`ens:budget:${w.key}`, `ens:budget:${w.key}:exp`]);

/** The counter shared by every instance through Redis: each step is one atomic script. */
export function createRedisBudgetCounter(redis: Redis): BudgetCounter {
  const seed = async (window: CounterWindow, spent: number, replace: boolean) => {
    await redis.eval(
      SEED,
      1,
      `ens:budget:${window.key}`,
      String(spent),
      String(window.expireAt),
      replace ? "1" : "0",
    );
  };
  return {
    async reserve(windows, id, amount) {
      const args = windows.flatMap((w) => [String(w.limit), String(w.expireAt)]);
      const keys = keysOf(windows);
      const raw = (await redis.eval(
        RESERVE,
        keys.length,
        ...keys,
        String(Date.now()),
        String(RESERVATION_TTL_MS),
        id,
        String(amount),
        ...args,
      )) as [string, ...unknown[]];
      return toResult(raw);
    },
    seed: (window, spent) => seed(window, spent, false),
    rebuild: (window, spent) => seed(window, spent, true),
    async settle(windows, id, actual) {
      const keys = keysOf(windows);
      const out = (await redis.eval(SETTLE, keys.length, ...keys, id, String(actual))) as number[];
      return out.map(Number);
    },
    async read(window) {
      const [spent, reserved, seeded] = await redis.hmget(
        `ens:budget:${window.key}`,
        "spent",
        "reserved",
        "seeded",
      );
      if (seeded === null) return null;
      return { spent: Number(spent ?? 0), reserved: Number(reserved ?? 0) };
    },
  };
}

function toResult(raw: [string, ...unknown[]]): ReserveResult {
  if (raw[0] === "unseeded") return { kind: "unseeded", indexes: (raw[1] as number[]).map(Number) };
  if (raw[0] === "refused")
    return { kind: "refused", index: Number(raw[1]), spent: Number(raw[2]) };
  return { kind: "ok", spent: (raw[1] as number[]).map(Number) };
}
