import { expect, test } from "@playwright/test";

const expectedDatabase = process.env.DATABASE_URL ? "postgres" : "pglite";

test("the home page shows the system status reported by /api/health", async ({ page, request }) => {
  const health = await request.get("/api/health");
  expect(health.status()).toBe(200);
  const report = (await health.json()) as { database: { kind: string; migrations: number } };
  expect(report.database.kind).toBe(expectedDatabase);

  await page.goto("/");

  const panel = page.getByTestId("status-panel");
  await expect(panel).toHaveAttribute("data-status", "ok");
  await expect(page.getByTestId("status-database-value")).toHaveText(expectedDatabase);
  await expect(page.getByTestId("status-migrations-value")).toHaveText(
    String(report.database.migrations),
  );
  await expect(page.getByTestId("simulator-banner")).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" })).toContainText("Agents");
  await page.screenshot({ path: "test-results/screenshots/home.png", fullPage: true });
});
