import type { APIRequestContext } from "@playwright/test";
import { DEFAULT_MODEL } from "@/lib/agents/models";
import { expect, test } from "./fixtures";
import { listAgents, waitForRun } from "./helpers";
import { RunsPage } from "./pages/runs-page";

interface Template {
  id: string;
  name: string;
  mode: string;
  task: string;
  cacheMode: string;
  missingAgents: string[];
  steps: { key: string; agentName: string; dependsOn: string[] }[];
}

async function listTemplates(request: APIRequestContext): Promise<Template[]> {
  const res = await request.get("/api/templates");
  expect(res.status()).toBe(200);
  return ((await res.json()) as { templates: Template[] }).templates;
}

test("a composer setup is saved as a template, loaded in a fresh page, and run", async ({
  page,
  account: _,
}) => {
  test.setTimeout(120_000);
  const name = `Design review ${Date.now().toString(36)}`;
  const task = "Review the caching design and summarise the risks.";
  const runs = new RunsPage(page);
  await runs.goto();
  const composer = runs.composer;
  for (const agent of ["reviewer", "critic", "summarizer"])
    await composer.getByTestId(`composer-agent-${agent}`).check();
  await composer.getByTestId("run-mode-dag").check({ force: true });
  await composer.getByTestId("dag-dep-summarizer-reviewer").check();
  await composer.getByTestId("dag-dep-summarizer-critic").check();
  await composer.getByTestId("run-task").fill(task);
  await composer.getByTestId("run-cache-mode").selectOption("bypass");
  await composer.getByTestId("template-name").fill(name);
  await composer.getByTestId("template-save").click();
  await expect(composer.getByTestId("template-save-status")).toHaveText(`Saved "${name}".`);
  // Saving a template starts no run.
  await expect(page).toHaveURL(/\/runs$/);

  const saved = (await listTemplates(page.request)).find((t) => t.name === name)!;
  expect(saved).toMatchObject({ mode: "dag", task, cacheMode: "bypass", missingAgents: [] });
  expect(saved.steps.map((s) => [s.key, s.dependsOn])).toEqual([
    ["reviewer", []],
    ["critic", []],
    ["summarizer", ["reviewer", "critic"]],
  ]);
  await page.screenshot({ path: "test-results/screenshots/composer-templates-desktop.png" });

  // A fresh page starts blank; loading the template brings every choice back.
  const fresh = await page.context().newPage();
  const freshRuns = new RunsPage(fresh);
  await freshRuns.goto();
  const c = freshRuns.composer;
  await expect(c.getByTestId("run-task")).toHaveValue("");
  await c.getByTestId("template-select").selectOption(saved.id);
  await c.getByTestId("template-load").click();
  await expect(c.getByTestId("composer-template-source")).toContainText(name);
  await expect(c.getByTestId("template-select")).toHaveValue(saved.id);
  await expect(c.getByTestId("composer-template-notes")).toHaveCount(0);
  await expect(c.getByTestId("run-task")).toHaveValue(task);
  await expect(c.getByTestId("run-mode-dag")).toBeChecked();
  await expect(c.getByTestId("run-cache-mode")).toHaveValue("bypass");
  for (const agent of ["reviewer", "critic", "summarizer"])
    await expect(c.getByTestId(`composer-agent-${agent}`)).toBeChecked();
  await expect(c.getByTestId("dag-dep-summarizer-reviewer")).toBeChecked();
  await expect(c.getByTestId("dag-dep-summarizer-critic")).toBeChecked();
  await expect(c.getByTestId("dag-dep-critic-reviewer")).not.toBeChecked();
  await fresh.screenshot({
    path: "test-results/screenshots/composer-template-loaded-desktop.png",
    fullPage: true,
  });

  await c.getByTestId("run-submit").click();
  await fresh.waitForURL(/\/runs\/[^/?]+$/);
  const runId = new URL(fresh.url()).pathname.split("/").pop()!;
  expect(await waitForRun(fresh.request, runId)).toBe("succeeded");
  const run = (
    (await (await fresh.request.get(`/api/runs/${runId}`)).json()) as {
      run: {
        mode: string;
        task: string;
        steps: { key: string; dependsOn: string[]; cacheStatus: string }[];
      };
    }
  ).run;
  expect(run.mode).toBe("dag");
  expect(run.task).toBe(task);
  expect(run.steps.map((s) => [s.key, [...s.dependsOn].sort()])).toEqual([
    ["reviewer", []],
    ["critic", []],
    ["summarizer", ["critic", "reviewer"]],
  ]);
  expect(run.steps.every((s) => s.cacheStatus === "bypass")).toBe(true);
  await fresh.close();
});

test("a template whose agent was deleted loads without it and says which agent is missing", async ({
  page,
  account: _,
}) => {
  const agents = await listAgents(page.request);
  const critic = agents.find((a) => a.name === "critic")!;
  const tempName = `temp-${Date.now().toString(36)}`;
  const created = await page.request.post("/api/agents", {
    data: { name: tempName, model: DEFAULT_MODEL },
  });
  expect(created.status(), await created.text()).toBe(201);
  const temp = ((await created.json()) as { agent: { id: string } }).agent;
  const name = `Chain with ${tempName}`;
  const saved = await page.request.post("/api/templates", {
    data: {
      name,
      mode: "chain",
      task: "Draft, then critique.",
      steps: [
        { key: "draft", agent: temp.id },
        { key: "critique", agent: critic.id },
      ],
    },
  });
  expect(saved.status(), await saved.text()).toBe(201);
  const templateId = ((await saved.json()) as { template: { id: string } }).template.id;
  expect((await page.request.delete(`/api/agents/${temp.id}`)).status()).toBe(204);

  const runs = new RunsPage(page);
  await runs.goto();
  const c = runs.composer;
  await expect(
    c.getByTestId("template-select").locator(`option[value="${templateId}"]`),
  ).toHaveText(`${name} (1 agent missing)`);
  await c.getByTestId("template-select").selectOption(templateId);
  await c.getByTestId("template-load").click();
  await expect(c.getByTestId("composer-template-notes")).toContainText(
    `"${tempName}", which has been deleted`,
  );
  await expect(c.getByTestId("run-task")).toHaveValue("Draft, then critique.");
  await expect(c.getByTestId("run-mode-chain")).toBeChecked();
  await expect(c.getByTestId("composer-agent-critic")).toBeChecked();
  await expect(c.getByTestId("run-submit")).toBeEnabled();
  await expect(c.getByTestId("run-submit")).toHaveText("Run on 1 agent");

  // At 390 px the templates band and the note fit; nothing scrolls sideways. Polled: after the
  // resize, parts sized by a ResizeObserver (the history chart) keep their desktop width until
  // the observer fires, which on a loaded machine comes after a first measurement.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect
    .poll(() =>
      page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      ),
    )
    .toBe(0);
  await c.getByTestId("composer-templates").scrollIntoViewIfNeeded();
  await page.screenshot({
    path: "test-results/screenshots/composer-template-missing-mobile.png",
    fullPage: true,
  });

  // The author deletes it after confirming; it is gone from the list and the database.
  await c.getByTestId("template-select").selectOption(templateId);
  await c.getByTestId("template-delete").click();
  await page.getByTestId("confirm-ok").click();
  await expect(
    c.getByTestId("template-select").locator(`option[value="${templateId}"]`),
  ).toHaveCount(0);
  expect((await listTemplates(page.request)).map((t) => t.id)).not.toContain(templateId);
});
