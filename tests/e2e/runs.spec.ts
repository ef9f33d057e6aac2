import { test, expect } from "./fixtures";
import { RunsPage, RunView } from "./pages/runs-page";

const STARTERS = ["reviewer", "summarizer", "critic"];
/** reviewer and summarizer run at temperature 0, so the default policy caches their answers. */
const CACHEABLE = ["reviewer", "summarizer"];

test("a parallel run streams three answers live, shows up in history, and a re-run is served from the cache", async ({
  page,
  account: _,
}) => {
  test.setTimeout(150_000);
  const marker = `pelican-${Date.now().toString(36)}`;
  // A slower pace keeps the answers streaming long enough to watch them grow.
  const task = `Review the plan for the ${marker} rollout. [[sim:tokens=160,tps=8]]`;
  const runs = new RunsPage(page);
  await runs.goto();
  const runId = await runs.startRun({ task, agents: STARTERS });
  expect(runId).not.toBe("");

  const view = new RunView(page);
  await expect(view.status).toHaveAttribute("data-status", /queued|running/);
  for (const key of STARTERS) await expect(view.panel(key)).toBeVisible();

  // The text grows while the step is running: seen partway, then longer.
  await expect.poll(() => view.outputLength("reviewer")).toBeGreaterThan(0);
  const early = await view.outputLength("reviewer");
  await expect(view.panel("reviewer")).toHaveAttribute("data-status", /running|succeeded/);
  await expect.poll(() => view.outputLength("reviewer")).toBeGreaterThan(early);
  await page.screenshot({ path: "test-results/screenshots/run-live.png", fullPage: true });

  for (const key of STARTERS) {
    await expect(view.panel(key)).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
    await expect(view.output(key)).not.toBeEmpty();
    await expect(view.cacheBadge(key)).toHaveAttribute("data-cache", /miss|bypass/);
  }
  await expect(view.status).toHaveAttribute("data-status", "succeeded");
  await expect(view.rerun).toBeVisible();
  await expect(view.cancel).toHaveCount(0);

  // Find it in the history by its text.
  await runs.goto();
  await runs.search.fill(marker);
  await expect(runs.historyRows()).toHaveCount(1);
  const row = runs.historyRow(runId);
  await expect(row).toHaveAttribute("data-status", "succeeded");
  await expect(row.getByTestId("history-agents")).toContainText("summarizer");
  await runs.search.fill(`${marker}-nothing-like-this`);
  await expect(page.getByTestId("history-empty")).toBeVisible();
  await runs.search.fill(marker);
  await expect(runs.historyRow(runId)).toBeVisible();
  await expect(runs.chart).toBeVisible();
  await expect(page.getByTestId("history-chart-total")).toContainText(/[1-9]\d* runs?/);
  await page.screenshot({ path: "test-results/screenshots/runs-history.png", fullPage: true });

  // Re-run from the live view: a new run whose temperature-0 answers come from the cache.
  await runs.historyRow(runId).getByRole("link").click();
  await expect(view.rerun).toBeVisible();
  await view.rerun.click();
  await page.waitForURL(
    (url) => url.pathname.startsWith("/runs/") && !url.pathname.endsWith(runId),
  );
  await expect(view.status).toHaveAttribute("data-status", "succeeded", { timeout: 30_000 });
  for (const key of CACHEABLE) {
    await expect(view.cacheBadge(key)).toHaveAttribute("data-cache", /hit-memory|hit-db|coalesced/);
    await expect(view.cacheBadge(key)).toContainText("cached");
  }
  await expect(page.getByTestId("run-cached")).toContainText(`${CACHEABLE.length} cached`);
});

test("cancelling a run that hangs ends it cancelled", async ({ page, account: _ }) => {
  const runs = new RunsPage(page);
  await runs.goto();
  await runs.startRun({
    task: "Wait for an answer that never comes [[sim:hang]]",
    agents: ["reviewer", "summarizer"],
  });

  const view = new RunView(page);
  await expect(view.panel("reviewer")).toHaveAttribute("data-status", "running");
  await expect(view.cancel).toBeEnabled();
  await view.cancel.click();

  await expect(view.status).toHaveAttribute("data-status", "cancelled");
  for (const key of ["reviewer", "summarizer"]) {
    await expect(view.panel(key)).toHaveAttribute("data-status", "cancelled");
  }
  await expect(view.cancel).toHaveCount(0);
  await expect(view.rerun).toBeVisible();

  // The stored run agrees.
  const runId = new URL(page.url()).pathname.split("/").pop() ?? "";
  const stored = (await (await page.request.get(`/api/runs/${runId}`)).json()) as {
    run: { status: string };
  };
  expect(stored.run.status).toBe("cancelled");
});
