import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { listAgents, startRun, waitForRun } from "./helpers";

const VIEWPORTS = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "mobile", width: 390, height: 844 },
] as const;

/** axe's WCAG 2.x A and AA rules; only serious and critical findings fail the test. */
async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({
      id: v.id,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")} — ${n.failureSummary ?? ""}`),
    }));
}

/**
 * How far the page is wider than the viewport: "" when nothing scrolls sideways, else the
 * overflow and the elements sticking out furthest, to say where to look.
 */
function overflow(page: Page): Promise<string> {
  return page.evaluate(() => {
    const root = document.documentElement;
    const excess = root.scrollWidth - root.clientWidth;
    if (excess <= 0) return "";
    // Content inside a box that scrolls or clips sideways is not the page's overflow.
    const contained = (el: Element) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        if (["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(p).overflowX))
          return true;
      }
      return false;
    };
    const culprits = [...document.querySelectorAll("body *")]
      .filter((el) => !contained(el))
      .map((el) => ({ el, right: el.getBoundingClientRect().right }))
      .filter((x) => x.right > root.clientWidth + 1)
      .sort((a, b) => b.right - a.right)
      .slice(0, 4)
      .map(({ el, right }) => {
        const id = el.getAttribute("data-testid") ?? el.id;
        const cls = (el.getAttribute("class") ?? "").split(" ").slice(0, 4).join(".");
        return `${el.tagName.toLowerCase()}${id ? `#${id}` : ""}.${cls} → ${Math.round(right)}px`;
      });
    return `${excess}px too wide: ${culprits.join(" | ")}`;
  });
}

/** Opens `path` and waits for `ready` (a data-testid, or a CSS selector when it has a space). */
async function settle(page: Page, path: string, ready: string) {
  await page.goto(path);
  const target = ready.includes(" ") ? page.locator(ready) : page.getByTestId(ready);
  await expect(target.first()).toBeVisible();
  // Let charts and lazy sections finish their first render.
  await page.waitForLoadState("networkidle");
}

const SIGNED_OUT = [
  { path: "/", ready: "status-panel" },
  { path: "/sign-in", ready: "main h1" },
  { path: "/sign-up", ready: "main h1" },
  { path: "/no-such-page", ready: "not-found" },
];

for (const viewport of VIEWPORTS) {
  test(`signed-out pages pass axe and fit a ${viewport.name} screen`, async ({ page }) => {
    await page.setViewportSize(viewport);
    for (const { path, ready } of SIGNED_OUT) {
      await settle(page, path, ready);
      expect(await seriousViolations(page), `axe on ${path}`).toEqual([]);
      expect(await overflow(page), `sideways overflow on ${path}`).toBe("");
    }
  });

  test(`signed-in pages pass axe in light and dark and fit a ${viewport.name} screen`, async ({
    page,
    account: _,
  }) => {
    // Fifteen pages, each checked by axe, twice: minutes on a loaded two-core machine.
    test.setTimeout(480_000);
    const agents = await listAgents(page.request);
    const runId = await startRun(page.request, {
      mode: "parallel",
      task: `Weigh the three rollout plans (${Date.now()}).`,
      agents: agents.slice(0, 3).map((a) => a.id),
    });
    expect(await waitForRun(page.request, runId)).toBe("succeeded");
    // Tags on the run (its header and history row) and a saved template (the composer's band),
    // so the pages below are checked with them; a template with a deleted agent shows its note.
    const tagged = await page.request.patch(`/api/runs/${runId}`, {
      data: { tags: ["rollout", "q3-planning", "needs-review"] },
    });
    expect(tagged.status()).toBe(200);
    const template = await page.request.post("/api/templates", {
      data: {
        name: "Rollout review",
        mode: "dag",
        task: "Weigh the rollout plans.",
        steps: [
          { key: "a", agent: agents[0]!.id },
          { key: "b", agent: agents[1]!.id, dependsOn: ["a"] },
        ],
      },
    });
    expect(template.status(), await template.text()).toBe(201);
    const templateId = ((await template.json()) as { template: { id: string } }).template.id;
    await page.setViewportSize(viewport);
    const pages = [
      { path: "/", ready: "home-signed-in", shot: "home" },
      { path: "/agents", ready: "agent-list", shot: "agents" },
      { path: "/runs", ready: "history-row", shot: "runs" },
      { path: `/runs/${runId}`, ready: "step-grid", shot: "run" },
      { path: "/cache", ready: "cache-dashboard", shot: "cache" },
      { path: "/spend", ready: "spend-table", shot: "spend" },
      { path: "/settings", ready: "members-table", shot: "settings" },
      { path: "/audit", ready: "audit-row", shot: "audit" },
      { path: "/account", ready: "account-view", shot: "account" },
    ];
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const { path, ready, shot } of pages) {
        await settle(page, path, ready);
        if (scheme === "dark") await expect(page.locator("html")).toHaveClass(/dark/);
        expect(await seriousViolations(page), `axe on ${path} (${scheme})`).toEqual([]);
        expect(await overflow(page), `sideways overflow on ${path}`).toBe("");
        await page.screenshot({
          path: `test-results/screenshots/${shot}-${viewport.name}-${scheme}.png`,
          fullPage: true,
        });
      }
      await settle(page, "/runs?tag=rollout", "history-tags");
      await page.getByTestId("template-select").selectOption(templateId);
      await page.getByTestId("template-load").click();
      await expect(page.getByTestId("composer-template-source")).toBeVisible();
      await expect(page.getByTestId("dag-editor")).toBeVisible();
      expect(await seriousViolations(page), `axe on a loaded template (${scheme})`).toEqual([]);
      expect(await overflow(page), "sideways overflow on a loaded template").toBe("");
      await page.screenshot({
        path: `test-results/screenshots/runs-template-${viewport.name}-${scheme}.png`,
        fullPage: true,
      });

      await settle(page, `/runs/${runId}`, "step-grid");
      await page.getByTestId("run-tags-edit").click();
      await expect(page.getByTestId("run-tags-input")).toBeFocused();
      expect(await seriousViolations(page), `axe on the tag editor (${scheme})`).toEqual([]);
      expect(await overflow(page), "sideways overflow on the tag editor").toBe("");
      await page.keyboard.press("Escape");
      await expect(page.getByTestId("run-tag-list")).toBeVisible();
      await page.getByTestId("run-view-compare").click();
      await expect(page.getByTestId("compare-view")).toBeVisible();
      expect(await seriousViolations(page), `axe on compare (${scheme})`).toEqual([]);
      expect(await overflow(page), "sideways overflow on compare").toBe("");
      await page.screenshot({
        path: `test-results/screenshots/compare-${viewport.name}-${scheme}.png`,
        fullPage: true,
      });
      await page.getByTestId("run-view-timeline").click();
      await expect(page.getByTestId("run-timeline")).toBeVisible();
      await page.locator("[data-testid=run-timeline] details").first().locator("summary").click();
      expect(await seriousViolations(page), `axe on timeline (${scheme})`).toEqual([]);
      expect(await overflow(page), "sideways overflow on timeline").toBe("");
      await page.screenshot({
        path: `test-results/screenshots/timeline-${viewport.name}-${scheme}.png`,
        fullPage: true,
      });
    }
  });
}

test("a skip link leads past the navigation, and focus is visible", async ({ page }) => {
  await page.goto("/sign-in");
  await page.keyboard.press("Tab");
  const skip = page.getByTestId("skip-link");
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  const outline = await skip.evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe("none");
  await page.keyboard.press("Enter");
  await expect(page.locator("main#main")).toBeFocused();
});

test("the theme toggle overrides the system preference and remembers it", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto("/sign-in");
  await expect(page.locator("html")).not.toHaveClass(/dark/);
  const toggle = page.getByTestId("theme-toggle");
  await toggle.click(); // system → light
  await toggle.click(); // light → dark
  await expect(page.locator("html")).toHaveClass(/dark/);
  await page.reload();
  await expect(page.locator("html")).toHaveClass(/dark/);
  await expect(page.getByTestId("theme-toggle")).toHaveAttribute("data-theme", "dark");
});

test("an unknown page is a styled 404 with a way home, and the app has a favicon", async ({
  page,
}) => {
  const response = await page.goto("/runs-that-do-not-exist/x");
  expect(response?.status()).toBe(404);
  await expect(page.getByTestId("not-found")).toContainText("This page does not exist");
  await expect(page.getByRole("link", { name: "Go home" })).toBeVisible();
  const icon = await page.request.get("/icon.svg");
  expect(icon.status()).toBe(200);
  expect(icon.headers()["content-type"]).toContain("svg");
});
