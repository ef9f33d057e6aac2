import { test as base, expect } from "@playwright/test";

export interface Account {
  email: string;
  password: string;
  name: string;
  teamName: string;
}

/** A fresh account per test, signed in: the page's browser context holds the session cookie. */
export const test = base.extend<{ account: Account }>({
  account: async ({ page }, use) => {
    const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    const account = {
      email: `user-${suffix}@example.test`,
      password: "correct horse battery staple",
      name: `Tester ${suffix.slice(-4)}`,
      teamName: `Team ${suffix.slice(-4)}`,
    };
    const response = await page.request.post("/api/auth/sign-up", {
      data: {
        email: account.email,
        name: account.name,
        password: account.password,
        teamName: account.teamName,
      },
    });
    expect(response.status(), await response.text()).toBe(201);
    await use(account);
  },
});

export { expect };
