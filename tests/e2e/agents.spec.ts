import { test, expect } from "./fixtures";
import { AgentsPage } from "./pages/agents-page";

test("a new team finds the starter agents on the Agents page", async ({ page, account: _ }) => {
  const agents = new AgentsPage(page);
  await agents.goto();
  for (const name of ["reviewer", "summarizer", "critic"]) {
    await expect(agents.row(name)).toBeVisible();
  }
  await expect(agents.row("critic").getByTestId("agent-temperature")).toHaveText("0.7");
});

test("an agent created through the form appears in the list, after a field error for a bad name", async ({
  page,
  account: _,
}) => {
  const agents = new AgentsPage(page);
  await agents.goto();
  await agents.openCreateForm();

  // Client-side validation mirrors the schema: spaces are not allowed in a name.
  await agents.fill({ name: "not a valid name", system: "You translate to French." });
  await agents.submit();
  await expect(agents.fieldError("agent-name")).toContainText("letters, digits");
  await expect(agents.form.getByLabel("Name", { exact: true })).toHaveAttribute(
    "aria-invalid",
    "true",
  );

  // A name that is taken is refused by the server, and the error lands on the same field.
  await agents.fill({ name: "reviewer" });
  await agents.submit();
  await expect(agents.fieldError("agent-name")).toBeVisible();
  await expect(agents.form).toBeVisible();

  // The temperature's hint follows the model: Opus 4.7 and later are sent none.
  const temperatureHint = agents.form.locator("#agent-temperature-hint");
  await agents.fill({ name: "translator", model: "claude-opus-4-8" });
  await expect(temperatureHint).toContainText("Not sent: this model takes no temperature");
  await page.screenshot({ path: "test-results/screenshots/agent-form-temperature.png" });
  await agents.fill({ name: "translator", model: "claude-sonnet-4-6" });
  await expect(temperatureHint).toHaveText("0 – 1; answers at 0 are cached by default.");

  await agents.fill({ name: "translator", temperature: "0.3", maxTokens: "600" });
  await expect(agents.fieldError("agent-name")).toHaveCount(0);
  await agents.submit();

  await expect(agents.form).toBeHidden();
  const row = agents.row("translator");
  await expect(row).toBeVisible();
  await expect(row.getByTestId("agent-temperature")).toHaveText("0.3");
  await expect(row.getByTestId("agent-max-tokens")).toHaveText("600");
  await expect(row.getByTestId("agent-system")).toHaveText("You translate to French.");

  // The server agrees: the agent is stored for the team.
  const stored = await page.request.get("/api/agents");
  const body = (await stored.json()) as { agents: Array<{ name: string; temperature: number }> };
  expect(body.agents.find((a) => a.name === "translator")?.temperature).toBe(0.3);

  // It survives a reload.
  await page.reload();
  await expect(agents.row("translator")).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/agents.png", fullPage: true });
});

test("deleting an agent asks first, then removes it", async ({ page, account: _ }) => {
  const agents = new AgentsPage(page);
  await agents.goto();
  await agents.row("critic").getByTestId("agent-delete").click();
  const confirm = page.getByTestId("confirm-dialog");
  await expect(confirm).toBeVisible();
  await confirm.getByTestId("confirm-ok").click();
  await expect(agents.row("critic")).toHaveCount(0);
  await page.reload();
  await expect(agents.row("reviewer")).toBeVisible();
  await expect(agents.row("critic")).toHaveCount(0);
});
