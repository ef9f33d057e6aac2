import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "./fixtures";
import { listAgents, startRun, waitForRun } from "./helpers";

const tagsOf = async (request: APIRequestContext, id: string) =>
  ((await (await request.get(`/api/runs/${id}`)).json()) as { run: { tags: string[] } }).run.tags;

test("a run is tagged on its page, and the history filters by that tag from the URL", async ({
  page,
  account: _,
}) => {
  const agents = await listAgents(page.request);
  const suffix = Date.now().toString(36);
  const tag = `release-${suffix}`;
  const tagged = await startRun(page.request, {
    mode: "parallel",
    task: `Draft the release notes (${suffix}).`,
    agents: agents.slice(0, 2).map((a) => a.id),
  });
  const other = await startRun(page.request, {
    mode: "parallel",
    task: `Something else entirely (${suffix}).`,
    agents: [agents[0]!.id],
  });
  expect(await waitForRun(page.request, tagged)).toBe("succeeded");
  expect(await waitForRun(page.request, other)).toBe("succeeded");

  await page.goto(`/runs/${tagged}`);
  await page.getByTestId("run-tags-edit").click();
  // Typed as a person would: mixed case, commas and spaces; stored lowercase.
  await page.getByTestId("run-tags-input").fill(`${tag.toUpperCase()}, urgent  docs`);
  await page.getByTestId("run-tags-save").click();
  const list = page.getByTestId("run-tag-list");
  await expect(list.getByTestId("tag")).toHaveText([`#${tag}`, "#urgent", "#docs"]);
  expect(await tagsOf(page.request, tagged)).toEqual([tag, "urgent", "docs"]);

  // A bad tag is refused with the server's words naming it, and nothing changes.
  await page.getByTestId("run-tags-edit").click();
  await page.getByTestId("run-tags-input").fill("fine, not/ok");
  await page.getByTestId("run-tags-save").click();
  await expect(page.getByTestId("run-tags-error")).toContainText("tags.1");
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(list.getByTestId("tag")).toHaveCount(3);
  expect(await tagsOf(page.request, tagged)).toEqual([tag, "urgent", "docs"]);
  await page.screenshot({ path: "test-results/screenshots/run-tags-desktop.png" });

  // A shared link with ?tag= opens the history filtered, and a reload keeps it.
  await page.goto(`/runs?tag=${tag}`);
  await expect(page.getByTestId("history-tag")).toHaveValue(tag);
  await expect(page.getByTestId("history-row")).toHaveCount(1);
  const row = page.locator(`[data-testid="history-row"][data-run-id="${tagged}"]`);
  await expect(row.getByTestId("tag")).toHaveText([`#${tag}`, "#urgent", "#docs"]);
  await page.reload();
  await expect(page.getByTestId("history-row")).toHaveCount(1);
  await expect(row).toBeVisible();
  await page.screenshot({
    path: "test-results/screenshots/history-tag-desktop.png",
    fullPage: true,
  });

  // Clearing the filter shows both runs again and takes tag= out of the URL.
  await page.getByTestId("history-tag").selectOption("");
  await expect(page).not.toHaveURL(/tag=/);
  await expect(page.locator(`[data-testid="history-row"][data-run-id="${other}"]`)).toBeVisible();
  await expect(row).toBeVisible();

  // The tag on the run page links to the same filtered history.
  await page.goto(`/runs/${tagged}`);
  await page.getByTestId("run-tag-list").getByRole("link", { name: "#urgent" }).click();
  await expect(page).toHaveURL(/\/runs\?tag=urgent$/);
  await expect(page.getByTestId("history-tag")).toHaveValue("urgent");
  await expect(page.getByTestId("history-row")).toHaveCount(1);

  // On a phone: the tags wrap, nothing scrolls sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/runs?tag=${tag}`);
  await expect(page.getByTestId("history-row")).toHaveCount(1);
  const excess = () =>
    page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
  await expect.poll(excess).toBe(0);
  await page.screenshot({
    path: "test-results/screenshots/history-tag-mobile.png",
    fullPage: true,
  });
  await page.goto(`/runs/${tagged}`);
  await expect(page.getByTestId("run-tag-list").getByTestId("tag")).toHaveCount(3);
  await expect.poll(excess).toBe(0);
  await page.screenshot({ path: "test-results/screenshots/run-tags-mobile.png" });
});
