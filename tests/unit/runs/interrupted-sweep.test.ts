import { describe, expect, it } from "vitest";
import { createSweep } from "@/lib/runs/recover-runs";

describe("the interrupted-run sweep", () => {
  it("skips the pass after one that could not reach the database, then sweeps again", async () => {
    let calls = 0;
    let databaseUp = true;
    const warnings: string[] = [];
    const sweep = createSweep(
      async () => {
        calls += 1;
        if (!databaseUp) throw new Error("Can't reach database server");
        return ["stale-run"];
      },
      { warn: (m) => warnings.push(m) },
    );
    await sweep();
    expect(calls).toBe(1);
    databaseUp = false;
    await sweep();
    expect(calls).toBe(2);
    databaseUp = true;
    // The first pass after the outage: live runs have not beaten again yet, so nothing is swept.
    await sweep();
    expect(calls).toBe(2);
    await sweep();
    expect(calls).toBe(3);
    expect(warnings).toEqual([
      "marked 1 run(s) interrupted: their server stopped",
      "interrupted-run sweep failed: Can't reach database server",
      "marked 1 run(s) interrupted: their server stopped",
    ]);
  });
});
