import { readFile } from "node:fs/promises";
import { expect, test } from "./fixtures";
import { AuditPage } from "./pages/audit-page";

test("an owner sees their own recent actions in the audit log and filters them", async ({
  page,
  account,
}) => {
  const agentName = `audited-${Date.now().toString(36)}`;
  const agent = await page.request.post("/api/agents", {
    data: { name: agentName, model: "claude-sonnet-5-5" },
  });
  expect(agent.status(), await agent.text()).toBe(201);
  const key = await page.request.post("/api/keys", { data: { name: "deploy", role: "member" } });
  expect(key.status()).toBe(201);

  const audit = new AuditPage(page);
  await audit.openFromNav();
  await expect(audit.row("agent.create")).toContainText(agentName);
  await expect(audit.row("agent.create")).toContainText("Created an agent");
  await expect(audit.row("key.create")).toContainText("deploy");
  await expect(audit.row("auth.sign-up")).toContainText(account.email);
  // Relative time, the exact instant on hover.
  await expect(audit.row("agent.create").locator("time")).toHaveAttribute("title", /\d/);

  await audit.action.selectOption("agent.create");
  await expect(audit.rows).toHaveCount(1);
  await expect(audit.rows.first()).toContainText(agentName);
  await expect(audit.exportCsv).toHaveAttribute("href", /action=agent\.create/);

  const download = page.waitForEvent("download");
  await audit.exportCsv.click();
  const csv = await readFile((await (await download).path())!, "utf8");
  expect(csv.trim().split("\n")).toHaveLength(2);
  expect(csv).toContain(agentName);

  await audit.clear.click();
  await audit.target.selectOption("api-key");
  await expect(audit.rows).toHaveCount(1);
  await expect(audit.rows.first()).toContainText("Created an API key");

  await audit.clear.click();
  await audit.actor.fill("nobody@example.test");
  await audit.actor.press("Enter");
  await expect(audit.empty).toBeVisible();

  await audit.clear.click();
  await expect(audit.rows).toHaveCount(3);
  await page.screenshot({ path: "test-results/screenshots/audit-owner.png", fullPage: true });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: "test-results/screenshots/audit-owner-dark.png", fullPage: true });
});
