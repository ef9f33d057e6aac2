import { readFile } from "node:fs/promises";
import { expect, test } from "./fixtures";
import { listAgents, startRun, waitForRun } from "./helpers";
import { RunView } from "./pages/runs-page";

test("a cancelled run keeps the text the user watched, marked partial, with its cost (issue 13 #3)", async ({
  page,
  account: _,
}) => {
  const [agent] = await listAgents(page.request);
  const runId = await startRun(page.request, {
    mode: "parallel",
    task: `Explain caching slowly (${Date.now()}). [[sim:stall-after=6]]`,
    agents: [agent!.id],
  });
  await page.goto(`/runs/${runId}`);
  const view = new RunView(page);
  await expect.poll(() => view.outputLength(agent!.name)).toBeGreaterThan(5);
  const watched = ((await view.output(agent!.name).textContent()) ?? "").trim();
  await view.cancel.click();
  await expect(view.status).toContainText(/cancelled/i);

  await page.reload();
  const panel = view.panel(agent!.name);
  await expect(panel.locator('[data-testid^="step-partial-"]')).toBeVisible();
  await expect(view.output(agent!.name)).toContainText(watched.slice(0, 20));
  await expect(panel.locator('[data-testid^="step-cost-"]')).not.toHaveText(/^\$0(\.0+)?$|—/);
  await page.screenshot({ path: "test-results/screenshots/partial-answer.png", fullPage: true });
});

test("a run is renamed, exported, found by URL filters after a reload, and deleted after confirming", async ({
  page,
  account: _,
}) => {
  const agents = await listAgents(page.request);
  const marker = `ledger-${Date.now().toString(36)}`;
  const runId = await startRun(page.request, {
    mode: "parallel",
    task: `Audit the ${marker} totals for rounding errors.`,
    agents: agents.slice(0, 2).map((a) => a.id),
  });
  expect(await waitForRun(page.request, runId)).toBe("succeeded");

  await page.goto(`/runs/${runId}`);
  await expect(page.getByTestId("run-title")).toHaveText(
    `Audit the ${marker} totals for rounding errors.`,
  );
  await page.getByTestId("run-rename").click();
  await page.getByTestId("run-title-input").fill(`Rounding review ${marker}`);
  await page.getByTestId("run-title-save").click();
  await expect(page.getByTestId("run-title")).toHaveText(`Rounding review ${marker}`);

  const download = page.waitForEvent("download");
  await page.getByTestId("run-export-md").click();
  const markdown = await readFile((await (await download).path())!, "utf8");
  expect(markdown.startsWith(`# Rounding review ${marker}\n`)).toBe(true);
  expect(markdown).toContain(`## ${agents[0]!.name}`);

  await page.goto(`/runs?q=${marker}&status=succeeded`);
  await expect(page.getByTestId("history-search")).toHaveValue(marker);
  await expect(page.getByTestId("history-status")).toHaveValue("succeeded");
  await expect(page.getByTestId("history-row")).toHaveCount(1);
  await expect(page.getByTestId("history-title")).toHaveText(`Rounding review ${marker}`);
  await page.getByTestId("history-status").selectOption("failed");
  await expect(page).toHaveURL(/status=failed/);
  await page.reload();
  await expect(page.getByTestId("history-empty")).toBeVisible();

  await page.goto(`/runs/${runId}`);
  await page.getByTestId("run-delete").click();
  await expect(page.getByTestId("confirm-dialog")).toContainText(`Rounding review ${marker}`);
  await page.getByTestId("confirm-ok").click();
  await page.waitForURL(/\/runs$/);
  expect((await page.request.get(`/api/runs/${runId}`)).status()).toBe(404);
});

test("the account page changes the name shown in the navigation", async ({ page, account }) => {
  await page.goto("/account");
  await expect(page.getByTestId("account-view")).toContainText(account.email);
  await page.getByTestId("account-name").fill("Grace Hopper");
  await page.getByTestId("account-name-save").click();
  await expect(page.getByTestId("account-name-saved")).toBeVisible();
  await expect(page.getByTestId("user-name")).toHaveText("Grace Hopper");
});
