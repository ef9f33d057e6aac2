import { expect, test } from "./fixtures";
import { startRun, waitForRun } from "./helpers";

test("an owner opens Spend from the nav and sees a run's cost per day and by model and agent", async ({
  page,
  account,
}) => {
  void account;
  const agentName = `spender-${Date.now().toString(36)}`;
  const agent = await page.request.post("/api/agents", {
    data: { name: agentName, model: "claude-sonnet-5-5", maxTokens: 64 },
  });
  expect(agent.status(), await agent.text()).toBe(201);
  const agentId = (await agent.json()).agent.id as string;
  const runId = await startRun(page.request, {
    mode: "parallel",
    task: `Name three primes (${Date.now()}).`,
    agents: [agentId],
  });
  expect(await waitForRun(page.request, runId)).toBe("succeeded");

  await page.goto("/");
  // The nav's link: the home page's recent runs name the "spender-…" agent too.
  await page.getByTestId("nav").getByRole("link", { name: "Spend", exact: true }).click();
  await expect(page).toHaveURL(/\/spend$/);
  const dashboard = page.getByTestId("spend-dashboard");
  await expect(dashboard.getByRole("heading", { name: "Spend", level: 1 })).toBeVisible();
  await expect(page.getByTestId("spend-total")).toHaveText(/^\$0?\.\d+|^\$\d/);
  await expect(page.getByTestId("spend-total")).not.toHaveText("$0");
  await expect(
    page.getByTestId("spend-chart").locator(".recharts-bar-rectangle").first(),
  ).toBeVisible();

  const table = page.getByTestId("spend-table");
  await expect(table.getByRole("rowheader", { name: "claude-sonnet-5-5" })).toBeVisible();
  await page.getByTestId("spend-by-agent").click();
  await expect(page.getByTestId("spend-by-agent")).toHaveAttribute("aria-pressed", "true");
  await expect(table.getByRole("rowheader", { name: agentName })).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/spend-owner.png", fullPage: true });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: "test-results/screenshots/spend-owner-dark.png", fullPage: true });
});
