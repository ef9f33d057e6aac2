import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type WarmJobs, createWarmJobs } from "@/lib/cache-admin/warm-jobs";
import type { Database } from "@/lib/db";
import type { ModelCaller, ModelRequest } from "@/lib/llm/types";
import { createTestDatabase, dbKind } from "../../helpers/db";

const request = (content: string) =>
  ({
    model: "claude-sonnet-4-5",
    max_tokens: 16,
    messages: [{ role: "user", content }],
  }) as ModelRequest;

/** A caller that answers when told to, and fails requests whose text is "fail". */
function gatedCaller() {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const calls: string[] = [];
  const caller: ModelCaller = async function* (req) {
    calls.push(String(req.messages[0]?.content));
    await gate;
    if (req.messages[0]?.content === "fail") throw new Error("upstream said no");
    yield { type: "message_stop" } as never;
  };
  return { caller, open, calls };
}

let db: Database;
let services: WarmJobs[] = [];
beforeEach(async () => {
  db = await createTestDatabase();
  await db.prisma.team.create({ data: { id: "t1", name: "T" } });
});
afterEach(async () => {
  await Promise.all(services.map((s) => s.close()));
  services = [];
  await db.close();
});

function warmJobs(caller: ModelCaller) {
  const jobs = createWarmJobs({
    prisma: db.prisma,
    caller,
    topRequests: async () => [],
    log: { warn: () => {} },
  });
  services.push(jobs);
  return jobs;
}

async function until(read: () => Promise<boolean>) {
  // Polls by count, not by clock: the job ends after a known number of database writes.
  for (let i = 0; i < 1_000 && !(await read()); i++) await new Promise((r) => setImmediate(r));
}

describe(`warm jobs (${dbKind})`, () => {
  it("reports a job started by one instance from another, with its progress and failures", async () => {
    const upstream = gatedCaller();
    const here = warmJobs(upstream.caller);
    const elsewhere = warmJobs(gatedCaller().caller);

    const started = await here.start({
      teamId: "t1",
      requests: [request("a"), request("b"), request("fail")],
    });
    expect(started).toMatchObject({ total: 3, done: 0, failed: 0, status: "running" });
    expect(await elsewhere.get("t1", started.id)).toMatchObject({ status: "running", total: 3 });

    upstream.open();
    await until(async () => (await elsewhere.get("t1", started.id)).status === "done");
    const ended = await elsewhere.get("t1", started.id);
    expect(ended).toMatchObject({ done: 2, failed: 1, status: "done" });
    expect(ended.endedAt).not.toBeNull();
    expect(upstream.calls.sort()).toEqual(["a", "b", "fail"]);
  });

  it("hides a job from another team, and ends an empty job at once", async () => {
    await db.prisma.team.create({ data: { id: "t2", name: "U" } });
    const jobs = warmJobs(gatedCaller().caller);
    const empty = await jobs.start({ teamId: "t1", topN: 5 });
    expect(empty).toMatchObject({ total: 0, status: "done" });
    await expect(jobs.get("t2", empty.id)).rejects.toMatchObject({ code: "not_found" });
  });

  it("stops its running jobs on close and marks them done", async () => {
    const upstream = gatedCaller();
    const jobs = warmJobs(upstream.caller);
    const started = await jobs.start({ teamId: "t1", requests: [request("a")] });
    const closing = jobs.close();
    upstream.open();
    await closing;
    expect((await jobs.get("t1", started.id)).status).toBe("done");
  });
});
