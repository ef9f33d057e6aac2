import { expect, test } from "./fixtures";
import { listAgents, startRun, waitForRun } from "./helpers";

/** A three-step DAG whose middle step fails once (a 400, not retried within the run). */
async function dagWithFailedMiddle(request: Parameters<typeof startRun>[0]) {
  const agents = (await listAgents(request)).slice(0, 3);
  expect(agents).toHaveLength(3);
  const [a, b, c] = agents as [(typeof agents)[0], (typeof agents)[0], (typeof agents)[0]];
  const task = `Plan a picnic (${Date.now()}).`;
  const runId = await startRun(request, {
    mode: "dag",
    task,
    steps: [
      { key: "ideas", agent: a.id, dependsOn: [] },
      {
        key: "menu",
        agent: b.id,
        dependsOn: ["ideas"],
        input: "List the food. [[sim:status=400,fail-first=1]]",
      },
      { key: "review", agent: c.id, dependsOn: ["menu"] },
    ],
  });
  expect(await waitForRun(request, runId)).toBe("partial");
  return { runId, task, agents: { a, b, c } };
}

test("Retry failed steps runs only the steps that failed, copying the others (issue 13)", async ({
  page,
  account: _,
}) => {
  const { runId } = await dagWithFailedMiddle(page.request);
  await page.goto(`/runs/${runId}`);
  await expect(page.getByTestId("run-status")).toContainText(/partial/i);
  const retry = page.getByTestId("run-retry-failed");
  await expect(retry).toHaveText("Retry 2 failed steps");
  await expect(retry).toBeEnabled();

  await retry.click();
  await expect(page).not.toHaveURL(new RegExp(`/runs/${runId}$`));
  await expect(page.getByTestId("run-status")).toContainText(/succeeded/i);
  await expect(page.getByTestId("step-copied-ideas")).toBeVisible();
  await expect(page.getByTestId("step-status-ideas")).toContainText(/succeeded/i);
  await expect(page.getByTestId("step-status-menu")).toContainText(/succeeded/i);
  await expect(page.getByTestId("step-copied-menu")).toHaveCount(0);
  await expect(page.getByTestId("run-retry-failed")).toHaveCount(0); // nothing failed now
  await page.screenshot({
    path: "test-results/screenshots/retry-failed-steps.png",
    fullPage: true,
  });

  // The database agrees: one copied step, taken from the source run.
  const newId = page.url().split("/").pop()!;
  const stored = (await (await page.request.get(`/api/runs/${newId}`)).json()) as {
    run: { rerunOfId: string; steps: Array<{ key: string; copied: boolean; attempts: number }> };
  };
  expect(stored.run.rerunOfId).toBe(runId);
  expect(stored.run.steps.map((s) => [s.key, s.copied, s.attempts])).toEqual([
    ["ideas", true, 0],
    ["menu", false, 1],
    ["review", false, 1],
  ]);
});

test("Open in composer prefills the composer with the run's mode, task, agents and DAG", async ({
  page,
  account: _,
}) => {
  const { runId, task, agents } = await dagWithFailedMiddle(page.request);
  await page.goto(`/runs/${runId}`);
  await page.getByTestId("run-open-composer").click();

  await expect(page).toHaveURL(new RegExp(`/runs\\?from=${runId}$`));
  await expect(page.getByTestId("composer-source")).toContainText("Prefilled from");
  await expect(page.getByTestId("run-task")).toHaveValue(task);
  await expect(page.getByTestId("run-mode-dag")).toBeChecked();
  for (const agent of [agents.a, agents.b, agents.c]) {
    await expect(page.getByTestId(`composer-agent-${agent.name}`)).toBeChecked();
  }
  await expect(page.getByTestId(`dag-dep-${agents.b.name}-${agents.a.name}`)).toBeChecked();
  await expect(page.getByTestId(`dag-dep-${agents.c.name}-${agents.b.name}`)).toBeChecked();
  await expect(page.getByTestId(`dag-dep-${agents.c.name}-${agents.a.name}`)).not.toBeChecked();
  await expect(page.getByTestId(`dag-input-${agents.b.name}`)).toHaveValue(
    "List the food. [[sim:status=400,fail-first=1]]",
  );
  await expect(page.getByTestId("run-submit")).toBeEnabled();
  await page.screenshot({ path: "test-results/screenshots/open-in-composer.png", fullPage: true });
});
