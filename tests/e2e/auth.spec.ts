import { expect, test } from "@playwright/test";
import { AuthPage } from "./pages/auth-page";

function freshPerson() {
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  return {
    name: `Ada ${suffix.slice(-4)}`,
    email: `ada-${suffix}@example.test`,
    password: "correct horse battery staple",
    teamName: `Analytical ${suffix.slice(-4)}`,
  };
}

test("a visitor signs up, signs out, is refused a wrong password, and signs back in", async ({
  page,
}) => {
  const auth = new AuthPage(page);
  const person = freshPerson();

  await auth.gotoSignUp();
  await auth.signUp(person);

  await expect(page).toHaveURL("/");
  await expect(auth.userMenu).toContainText(person.name);
  await expect(auth.userMenu).toContainText(person.teamName);
  await expect(auth.userMenu.getByTestId("user-role")).toHaveText("owner");
  // The session the form created is the one the server knows.
  const me = await page.request.get("/api/auth/me");
  expect(me.status()).toBe(200);
  expect(((await me.json()) as { user: { email: string } }).user.email).toBe(person.email);

  await auth.signOut();
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(auth.authLinks).toBeVisible();
  expect((await page.request.get("/api/auth/me")).status()).toBe(401);

  await auth.signIn(person.email, "not the password");
  await expect(auth.signInError).toContainText(/wrong email or password/i);
  await expect(auth.userMenu).toHaveCount(0);
  await page.screenshot({ path: "test-results/screenshots/sign-in.png", fullPage: true });

  await auth.signInForm.getByLabel("Password").fill(person.password);
  await auth.signInForm.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL("/");
  await expect(auth.userMenu).toContainText(person.name);
});

test("a signed-out visitor sent to sign in from /settings comes back to it", async ({ page }) => {
  const auth = new AuthPage(page);
  const person = freshPerson();
  const created = await page.request.post("/api/auth/sign-up", { data: person });
  expect(created.status()).toBe(201);
  await page.request.post("/api/auth/sign-out");

  await page.goto("/settings");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fsettings$/);
  await auth.signIn(person.email, person.password);

  await expect(page).toHaveURL("/settings");
  await expect(page.getByTestId("members-table")).toContainText(person.email);
});

test("signing up with a taken email shows the error on the email field", async ({ page }) => {
  const auth = new AuthPage(page);
  const person = freshPerson();
  expect((await page.request.post("/api/auth/sign-up", { data: person })).status()).toBe(201);
  await page.request.post("/api/auth/sign-out");

  await auth.gotoSignUp();
  await auth.signUp({ ...person, name: "Someone Else" });

  await expect(page.getByTestId("email-error")).toBeVisible();
  await expect(page).toHaveURL(/\/sign-up$/);
});
