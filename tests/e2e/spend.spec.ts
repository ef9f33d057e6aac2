import { expect, test } from "./fixtures";
import { signUpInvitedMember, startRun, waitForRun } from "./helpers";

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

test("a used-up budget warns admins on every page, and members not at all", async ({
  page,
  browser,
  account,
}) => {
  void account;
  await page.goto("/runs");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByTestId("budget-banner")).toHaveCount(0);
  // A $0 daily team budget is used up from the start: every call would be refused.
  const budget = await page.request.post("/api/budgets", {
    data: { scope: "team", period: "day", limitUsd: 0 },
  });
  expect(budget.status(), await budget.text()).toBe(201);

  await page.goto("/runs");
  const banner = page.getByTestId("budget-banner");
  await expect(banner).toBeVisible();
  await expect(banner).toContainText("A budget is used up");
  await expect(banner.getByTestId("budget-warning-exceeded")).toContainText("daily budget");
  await banner.getByRole("link", { name: "See spend and budgets" }).click();
  await expect(page).toHaveURL(/\/spend$/);
  await expect(page.getByTestId("budget-banner")).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/budget-banner.png", fullPage: true });

  const member = await signUpInvitedMember(page, browser);
  await member.page.goto("/runs");
  await expect(member.page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(member.page.getByTestId("budget-banner")).toHaveCount(0);
  await member.context.close();
});
