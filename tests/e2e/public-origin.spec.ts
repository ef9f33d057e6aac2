import { PUBLIC_HOST } from "../../playwright.config";
import { expect, test } from "./fixtures";
import { AuthPage } from "./pages/auth-page";
import { SettingsPage } from "./pages/settings-page";

/**
 * Issue 13, broken item 1: invite links pointed at localhost, so no teammate could join a
 * deployed instance. Here the app is reached as a deployed instance is, by a name that is not
 * localhost, and the invite link the page shows is opened as is by a second browser.
 */
test("an invite made on a public host name is a link a teammate can open and join by", async ({
  browser,
  baseURL,
}) => {
  test.setTimeout(150_000);
  const origin = `http://${PUBLIC_HOST}:${new URL(baseURL!).port}`;
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const ownerContext = await browser.newContext({ baseURL: origin });
  const memberContext = await browser.newContext();
  try {
    const ownerPage = await ownerContext.newPage();
    const owner = new AuthPage(ownerPage);
    await owner.gotoSignUp();
    await owner.signUp({
      name: `Owner ${suffix.slice(-4)}`,
      email: `owner-${suffix}@example.test`,
      password: "correct horse battery staple",
      teamName: `Public ${suffix.slice(-4)}`,
    });
    await expect(owner.userMenu.getByTestId("user-role")).toHaveText("owner");

    const settings = new SettingsPage(ownerPage);
    await settings.goto();
    const link = await settings.createInvite("member");
    expect(link.startsWith(`${origin}/sign-up?invite=`)).toBe(true);

    const memberPage = await memberContext.newPage();
    await memberPage.goto(link);
    await expect(memberPage.getByTestId("invite-banner")).toBeVisible();
    await new AuthPage(memberPage).signUp({
      name: `Member ${suffix.slice(-4)}`,
      email: `member-${suffix}@example.test`,
      password: "member password 123",
    });
    const member = new AuthPage(memberPage);
    await expect(member.userMenu.getByTestId("user-role")).toHaveText("member");
    await expect(member.userMenu).toContainText(`Public ${suffix.slice(-4)}`);
    expect(new URL(memberPage.url()).host).toBe(new URL(origin).host);
  } finally {
    await ownerContext.close();
    await memberContext.close();
  }
});
