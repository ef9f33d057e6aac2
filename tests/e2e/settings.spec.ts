import { expect, test } from "./fixtures";
import { signUpInvitedMember } from "./helpers";
import { AuthPage } from "./pages/auth-page";
import { CachePage } from "./pages/cache-page";
import { SettingsPage } from "./pages/settings-page";

test("an admin creates an API key, sees it once, uses it, and revokes it", async ({
  page,
  request,
  account,
}) => {
  const settings = new SettingsPage(page);
  await settings.goto();
  await expect(settings.membersTable).toContainText(account.email);

  const secret = await settings.createApiKey("ci-pipeline", "member");
  expect(secret.length).toBeGreaterThan(20);
  await expect(page.getByTestId("api-key-secret-box")).toContainText("won't be shown again");
  await expect(settings.apiKeyRow("ci-pipeline")).toHaveAttribute("data-revoked", "false");
  await expect(settings.connectSnippet).toContainText(
    `export ANTHROPIC_BASE_URL=${new URL(page.url()).origin}/api/anthropic`,
  );
  await page.screenshot({ path: "test-results/screenshots/settings.png", fullPage: true });

  // `request` carries no session cookie: only the key authenticates it.
  const withKey = { headers: { Authorization: `Bearer ${secret}` } };
  expect((await request.get("/api/agents", withKey)).status()).toBe(200);

  // Shown once: a reload lists the key but not its secret.
  await page.reload();
  await expect(settings.apiKeyRow("ci-pipeline")).toBeVisible();
  await expect(settings.apiKeySecret).toHaveCount(0);
  await expect(page.getByText(secret)).toHaveCount(0);

  await settings.revokeApiKey("ci-pipeline");
  await expect(settings.apiKeyRow("ci-pipeline")).toHaveAttribute("data-revoked", "true");
  await expect(page.getByTestId("api-key-revoke-ci-pipeline")).toHaveCount(0);
  expect((await request.get("/api/agents", withKey)).status()).toBe(401);
});

test("an invited member joins through the link and cannot open the cache", async ({
  page,
  browser,
  account,
}) => {
  // Two signed-in browsers on a loaded two-core machine.
  test.setTimeout(150_000);
  const settings = new SettingsPage(page);
  await settings.goto();
  const link = await settings.createInvite("member");
  expect(link).toContain("invite=");
  await expect(page.getByTestId("invite-row")).toHaveCount(1);

  const context = await browser.newContext();
  try {
    const memberPage = await context.newPage();
    const auth = new AuthPage(memberPage);
    // Same server as the owner's page, whatever host the link was minted for.
    const target = new URL(link);
    await memberPage.goto(new URL(`${target.pathname}${target.search}`, page.url()).toString());
    await expect(memberPage.getByTestId("invite-banner")).toBeVisible();
    await expect(memberPage.getByLabel(/Team name/)).toHaveCount(0);
    const suffix = Date.now().toString(36);
    await auth.signUp({
      name: `Member ${suffix}`,
      email: `member-${suffix}@example.test`,
      password: "member password 123",
    });
    await expect(auth.userMenu.getByTestId("user-role")).toHaveText("member");
    await expect(auth.userMenu).toContainText(account.teamName);

    const nav = memberPage.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Settings" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "Cache" })).toHaveCount(0);

    const cache = new CachePage(memberPage);
    await cache.goto();
    await expect(cache.forbidden).toContainText("You need the admin role to see this page");
    await expect(cache.entriesTable).toHaveCount(0);

    // Members see the team and how to connect, but not keys or invites.
    await memberPage.goto("/settings");
    await expect(memberPage.getByTestId("members-table")).toContainText(account.email);
    await expect(memberPage.getByTestId("connect-snippet")).toBeVisible();
    await expect(memberPage.getByTestId("api-key-create")).toHaveCount(0);
    await expect(memberPage.getByTestId("invite-create")).toHaveCount(0);
  } finally {
    await context.close();
  }

  // The owner sees the new member, and the used invite is no longer pending.
  await page.reload();
  await expect(settings.membersTable.getByTestId("member-row")).toHaveCount(2);
  await expect(page.getByTestId("invite-row")).toHaveCount(0);
});

test("on a 390 px phone the members are cards that fit, and the owner can still change a role", async ({
  page,
  browser,
  account,
}) => {
  test.setTimeout(120_000);
  await page.goto("/settings");
  const { context } = await signUpInvitedMember(page, browser);
  await context.close();
  const settings = new SettingsPage(page);
  const rows = settings.membersTable.getByTestId("member-row");

  // Desktop: a table with its header row.
  await settings.goto();
  await expect(rows).toHaveCount(2);
  await expect(settings.membersTable.locator("thead")).toBeVisible();
  expect(await rows.first().evaluate((el) => getComputedStyle(el).display)).toBe("table-row");

  await page.setViewportSize({ width: 390, height: 844 });
  await settings.goto();
  await expect(rows).toHaveCount(2);
  // Cards: each row is a box of its own inside the screen, the header row only for screen readers.
  for (const row of await rows.all()) {
    expect(await row.evaluate((el) => getComputedStyle(el).display)).toBe("flex");
    const box = (await row.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
  }
  await expect(settings.membersTable.locator("thead")).not.toBeInViewport();
  await expect
    .poll(() =>
      page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      ),
    )
    .toBe(0);
  const mine = settings.membersTable.locator(`[data-email="${account.email}"]`);
  await expect(mine).toContainText("(you)");

  // The owner's controls work on the card: make the member an admin.
  const other = rows.filter({ hasNot: page.getByText("(you)") });
  await other.getByTestId("member-role").selectOption("admin");
  await expect
    .poll(async () => {
      const res = await page.request.get("/api/team/members");
      const { members } = (await res.json()) as {
        members: { role: string; user: { email: string } }[];
      };
      return members.find((m) => m.user.email !== account.email)?.role;
    })
    .toBe("admin");
  await page.screenshot({ path: "test-results/screenshots/members-mobile.png", fullPage: true });
});
