import { expect, test } from "./fixtures";
import { listAgents, startRun, waitForRun } from "./helpers";
import { RunsPage, RunView } from "./pages/runs-page";

const STARTERS = ["reviewer", "summarizer", "critic"];
const stat = (view: RunView, agent: string, name: string) =>
  view.panel(agent).locator(`[data-testid^="step-${name}-"]`);

test("tokens and cost count up while the answers stream, then settle on the model's figures", async ({
  page,
  account: _,
}) => {
  test.setTimeout(120_000);
  const runs = new RunsPage(page);
  await runs.goto();
  // Slow enough to watch even on a loaded machine: 160 tokens at 8 a second.
  await runs.startRun({
    task: `Plan the launch ${Date.now()} [[sim:tokens=160,tps=8]]`,
    agents: ["reviewer"],
  });
  const view = new RunView(page);
  await expect(view.panel("reviewer")).toHaveAttribute("data-status", "running");
  await expect.poll(() => view.outputLength("reviewer")).toBeGreaterThan(0);
  // Estimates from the streamed text, marked as such, before the step ends.
  await expect(stat(view, "reviewer", "tokens")).toContainText(/≈ \d+ out/);
  await expect(stat(view, "reviewer", "cost")).toContainText(/≈ \$/);
  await expect(page.getByTestId("run-tokens")).toContainText("≈");
  await expect(view.panel("reviewer")).toHaveAttribute("data-status", "running");

  await expect(view.status).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
  await expect(stat(view, "reviewer", "tokens")).not.toContainText("≈");
  await expect(stat(view, "reviewer", "tokens")).toContainText(/\d+ → \d+/);
  await expect(stat(view, "reviewer", "ttft")).toContainText(/\d+ ms|\d+\.\d+ s/);
  await expect(page.getByTestId("run-cost")).not.toContainText("≈");
});

test("an answer cut at max_tokens says so", async ({ page, account: _ }) => {
  test.setTimeout(120_000);
  const created = await page.request.post("/api/agents", {
    data: {
      name: "terse",
      model: "claude-sonnet-5-5",
      system: "",
      temperature: 0,
      maxTokens: 8,
      cacheEnabled: false,
      cacheTtlSeconds: null,
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const runs = new RunsPage(page);
  await runs.goto();
  await runs.startRun({
    task: `Explain everything ${Date.now()} [[sim:ttft=8000,tokens=300,tps=2]]`,
    agents: ["terse"],
  });
  const view = new RunView(page);
  // Watched live: the stop reason arrives with the step's end event.
  await expect(view.panel("terse")).toHaveAttribute("data-status", "running");
  await expect(view.panel("terse")).toHaveAttribute("data-status", "succeeded", {
    timeout: 60_000,
  });
  const stop = view.panel("terse").locator('[data-testid^="step-stop-"]');
  await expect(stop).toHaveAttribute("data-stop-reason", "max_tokens");
  await expect(stop).toHaveText("cut at max tokens");

  // Read back from the history: the step row keeps it.
  await page.reload();
  await expect(view.panel("terse")).toHaveAttribute("data-status", "succeeded");
  await expect(stop).toHaveAttribute("data-stop-reason", "max_tokens");
});

test("a finished run's answers: copy, open in full, compare side by side and mark the best", async ({
  page,
  context,
  account: _,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const agents = (await listAgents(page.request)).filter((a) => STARTERS.includes(a.name));
  expect(agents).toHaveLength(3);
  const id = await startRun(page.request, {
    mode: "parallel",
    task: `Compare the options for the ${Date.now()} migration. [[sim:tokens=500]]`,
    agents: agents.map((a) => a.id),
  });
  expect(await waitForRun(page.request, id)).toBe("succeeded");

  await page.goto(`/runs/${id}`);
  const view = new RunView(page);
  await expect(view.panel("reviewer")).toHaveAttribute("data-status", "succeeded");
  const text = (await view.output("reviewer").innerText()).trim();
  expect(text.length).toBeGreaterThan(1500);

  await view.panel("reviewer").locator('[data-testid^="step-copy-"]').click();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied.replace(/\s+/g, " ").trim()).toBe(text.replace(/\s+/g, " ").trim());

  await view.panel("reviewer").locator('[data-testid^="step-open-"]').click();
  const full = page.locator('dialog[open][data-testid^="step-full-"]');
  await expect(full).toBeVisible();
  await expect(full).toContainText(text.slice(0, 40));
  await page.keyboard.press("Escape");
  await expect(full).toHaveCount(0);

  await page.getByTestId("run-view-compare").click();
  const compare = page.getByTestId("compare-view");
  await expect(compare.locator('[data-testid^="compare-column-"]')).toHaveCount(3);
  await expect(compare.getByTestId("diff-added").first()).toBeVisible();

  const critic = compare.locator('[data-testid^="compare-column-"]', { hasText: "critic" });
  await critic.locator('[data-testid^="compare-best-"]').click();
  await expect(critic).toHaveAttribute("data-best", "true");
  // The pick survives a reload (kept in this browser).
  await page.reload();
  await page.getByTestId("run-view-compare").click();
  await expect(
    page.locator('[data-testid^="compare-column-"][data-best="true"]', { hasText: "critic" }),
  ).toHaveCount(1);
});
