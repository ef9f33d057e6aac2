/**
 * server.mjs's own setting (it is read before Next or the app's configuration loads): a bad
 * HEAP_GROWING_PERCENT stops the start with a message naming it, instead of being ignored.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

function start(value: string) {
  return spawnSync(process.execPath, ["server.mjs"], {
    env: { ...process.env, HEAP_GROWING_PERCENT: value, PORT: "1" },
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("server.mjs HEAP_GROWING_PERCENT", () => {
  it.each(["abc", "-5", "1.5"])("refuses %j, naming the variable", (value) => {
    const result = start(value);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("HEAP_GROWING_PERCENT: must be a whole number of at least 0");
    expect(result.stderr).toContain(JSON.stringify(value));
  });
});
