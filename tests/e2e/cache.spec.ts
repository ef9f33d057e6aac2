import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "./fixtures";
import { CachePage } from "./pages/cache-page";

const FINISHED = ["succeeded", "partial", "failed", "cancelled", "interrupted"];

interface Agent {
  id: string;
  name: string;
  temperature: number;
}

/** Starts a run of `agents` on `task` through the API and waits until it has finished. */
async function runToCompletion(request: APIRequestContext, agents: Agent[], task: string) {
  const started = await request.post("/api/runs", {
    data: { task, agents: agents.map((a) => a.id), mode: "parallel" },
  });
  expect(started.status(), await started.text()).toBe(201);
  const { id } = (await started.json()) as { id: string };
  let status = "";
  await expect
    .poll(
      async () => {
        const res = await request.get(`/api/runs/${id}`);
        status = ((await res.json()) as { run: { status: string } }).run.status;
        return FINISHED.includes(status);
      },
      { timeout: 45_000, message: `run ${id} did not finish` },
    )
    .toBe(true);
  expect(status).toBe("succeeded");
}

test("the same task run twice is served from the cache, and purging empties it", async ({
  page,
  account,
}) => {
  test.setTimeout(120_000);
  const agentsResponse = await page.request.get("/api/agents");
  expect(agentsResponse.status()).toBe(200);
  const { agents } = (await agentsResponse.json()) as { agents: Agent[] };
  const cacheable = agents.filter((a) => a.temperature === 0);
  expect(cacheable.length, "the starter agents include temperature-0 agents").toBeGreaterThan(0);

  const task = `Summarise the trade-offs of response caching for LLM calls (${Date.now()}).`;
  await runToCompletion(page.request, cacheable, task);
  await runToCompletion(page.request, cacheable, task);

  const cache = new CachePage(page);
  await cache.goto();
  await expect(page.getByTestId("user-menu")).toContainText(account.teamName);
  // Statistics are flushed in the background: reload until the second run's hits are counted.
  await expect(async () => {
    await page.reload();
    await expect(cache.hitRate).toBeVisible();
    expect(await cache.hitRateValue()).toBeGreaterThan(0);
  }).toPass({ timeout: 30_000 });
  await expect(cache.hitsChart.locator(".recharts-bar-rectangle").first()).toBeVisible();
  await expect(cache.entryRows).toHaveCount(cacheable.length);
  for (const agent of cacheable) await expect(cache.entriesTable).toContainText(agent.name);
  await page.screenshot({ path: "test-results/screenshots/cache.png", fullPage: true });

  // Inspect shows the stored request and response.
  await cache.entryRows.first().getByTestId("cache-entry-inspect").click();
  await expect(page.getByTestId("cache-entry-request")).toContainText('"messages"');
  await expect(page.getByTestId("cache-entry-response")).toContainText('"content"');
  await page.getByTestId("cache-entry-close").click();

  await cache.purgeAll();
  await expect(page.getByTestId("cache-purge-result")).toContainText(`Purged ${cacheable.length}`);
  await expect(cache.entryRows).toHaveCount(0);
  await expect(cache.emptyEntries).toBeVisible();
  const after = await page.request.get("/api/cache/entries");
  expect(((await after.json()) as { entries: unknown[] }).entries).toHaveLength(0);
});

test("calls from an Anthropic client through the gateway appear in the request log", async ({
  page,
  account: _account,
}) => {
  const created = await page.request.post("/api/keys", { data: { name: "sdk", role: "member" } });
  expect(created.status()).toBe(201);
  const { key } = (await created.json()) as { key: string };
  // temperature 0: only deterministic calls are cached by default (on a model that still takes
  // `temperature`: Opus 4.7 and later refuse it).
  const body = {
    model: "claude-sonnet-4-6",
    max_tokens: 64,
    temperature: 0,
    messages: [{ role: "user", content: `gateway log ${Date.now()}` }],
  };
  const statuses: string[] = [];
  for (let i = 0; i < 2; i++) {
    // The gateway is for programs: the API key is what authenticates (and scopes) the call.
    const res = await page.request.post("/api/anthropic/v1/messages", {
      headers: { "x-api-key": key },
      data: body,
    });
    expect(res.status(), await res.text()).toBe(200);
    statuses.push(res.headers()["x-ensemble-cache"] ?? "");
  }
  expect(statuses).toEqual(["miss", "hit-memory"]);

  await new CachePage(page).goto();
  const rows = page.getByTestId("gateway-log-row");
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText("hit-memory");
  await expect(rows.nth(1)).toContainText("miss");
});

test("warming a team's empty cache says there was nothing to warm, with no progress bar", async ({
  page,
  account: _account,
}) => {
  await new CachePage(page).goto();
  await page.getByTestId("cache-warm-start").click();
  const job = page.getByTestId("cache-warm-job");
  await expect(job).toHaveAttribute("data-status", "done");
  await expect(job).toContainText("Nothing to warm: no cached requests yet");
  await expect(job.getByRole("progressbar")).toHaveCount(0);
  await page
    .getByTestId("cache-warm")
    .screenshot({ path: "test-results/screenshots/warm-empty.png" });
});
