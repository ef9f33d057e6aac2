import { expect, test } from "./fixtures";
import { signUpInvitedMember } from "./helpers";

test("a member sees the agents but none of the admin actions", async ({
  page,
  browser,
  account: _,
}) => {
  // Two signed-in browsers on a loaded two-core machine.
  test.setTimeout(150_000);
  // The owner sees every action.
  await page.goto("/agents");
  await expect(page.getByTestId("agent-list")).toBeVisible();
  await expect(page.getByTestId("agent-new")).toBeVisible();
  await expect(page.getByTestId("agents-import")).toBeVisible();
  await expect(page.getByTestId("agent-edit").first()).toBeVisible();
  await expect(page.getByTestId("agent-delete").first()).toBeVisible();

  const { context, page: member } = await signUpInvitedMember(page, browser);
  try {
    await member.goto("/agents");
    await expect(member.getByTestId("agent-list")).toBeVisible();
    await expect(member.getByTestId("user-menu")).toHaveAttribute("data-role", "member");
    // Only what a member may do: read and export.
    await expect(member.getByTestId("agents-export")).toBeVisible();
    await expect(member.getByTestId("agent-new")).toHaveCount(0);
    await expect(member.getByTestId("agents-import")).toHaveCount(0);
    await expect(member.getByTestId("agent-edit")).toHaveCount(0);
    await expect(member.getByTestId("agent-delete")).toHaveCount(0);
    await expect(member.getByText("Admins create and change them")).toBeVisible();
    // The member can still run them.
    await member.goto("/runs");
    await expect(member.getByTestId("run-composer")).toBeVisible();
    await member.screenshot({ path: "test-results/screenshots/agents-member.png" });
  } finally {
    await context.close();
  }
});
