import type { ApiClient } from "./app-server";

/** Polls a run until it leaves queued/running (bounded by polls, not a clock); returns it. */
export async function finishedRun(api: ApiClient, id: string) {
  for (let i = 0; i < 200; i++) {
    const { json } = await api.get(`/api/runs/${id}`);
    if (!["queued", "running"].includes(json.run.status)) return json.run;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`run ${id} did not finish`);
}
