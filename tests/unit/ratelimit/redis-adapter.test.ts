import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { redisAdapterFor, stripUpstashShebang } from "@/lib/ratelimit/redis-adapter";

const SCRIPT = "#!lua flags=allow-key-locking\n  return {tonumber(ARGV[1]), #KEYS}\n";
const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

/** Just enough of ioredis: a script cache keyed by sha, like Redis's. */
function fakeIoredis() {
  const scripts = new Map<string, string>();
  const calls: string[] = [];
  const client = {
    async evalsha(sha: string, numKeys: number, ...rest: (string | number)[]) {
      calls.push(`evalsha ${sha}`);
      if (!scripts.has(sha)) throw new Error("NOSCRIPT No matching script. Please use EVAL.");
      return [Number(rest[numKeys]), numKeys];
    },
    async eval(script: string, numKeys: number, ...rest: (string | number)[]) {
      calls.push("eval");
      if (script.startsWith("#!lua flags=allow-key-locking")) {
        throw new Error("ERR Unexpected flag in script shebang: allow-key-locking");
      }
      scripts.set(sha1(script), script);
      return [Number(rest[numKeys]), numKeys];
    },
  };
  return { client: client as unknown as Redis, calls, scripts };
}

describe("redisAdapterFor", () => {
  it("blanks the Upstash shebang line but keeps the line count", () => {
    const stripped = stripUpstashShebang(SCRIPT);
    expect(stripped.startsWith("#!")).toBe(false);
    expect(stripped.split("\n")).toHaveLength(SCRIPT.split("\n").length);
  });

  it("answers NOSCRIPT for a sha it has not seen, so Ratelimit falls back to eval", async () => {
    const { client, calls } = fakeIoredis();
    await expect(redisAdapterFor(client).evalsha(sha1(SCRIPT), ["k"], [1])).rejects.toThrow(
      /NOSCRIPT/,
    );
    expect(calls).toEqual([]);
  });

  it("loads the stripped script on eval and then serves the original sha through EVALSHA", async () => {
    const { client, calls, scripts } = fakeIoredis();
    const adapter = redisAdapterFor(client);

    expect(await adapter.eval(SCRIPT, ["k1", "k2"], [7])).toEqual([7, 2]);
    expect([...scripts.values()]).toEqual([stripUpstashShebang(SCRIPT)]);

    calls.length = 0;
    expect(await adapter.evalsha(sha1(SCRIPT), ["k1"], [8])).toEqual([8, 1]);
    expect(calls).toEqual([`evalsha ${sha1(stripUpstashShebang(SCRIPT))}`]);
  });

  it("passes NOSCRIPT on after Redis forgets its scripts, so the eval fallback reloads them", async () => {
    const { client, scripts } = fakeIoredis();
    const adapter = redisAdapterFor(client);
    await adapter.eval(SCRIPT, ["k"], [1]);

    scripts.clear(); // a Redis restart or SCRIPT FLUSH

    await expect(adapter.evalsha(sha1(SCRIPT), ["k"], [2])).rejects.toThrow(/NOSCRIPT/);
    expect(await adapter.eval(SCRIPT, ["k"], [3])).toEqual([3, 1]);
    expect(await adapter.evalsha(sha1(SCRIPT), ["k"], [4])).toEqual([4, 1]);
  });

  it("is one adapter per client, so limiters on a client share what it learned", () => {
    const { client } = fakeIoredis();
    expect(redisAdapterFor(client)).toBe(redisAdapterFor(client));
  });
});
