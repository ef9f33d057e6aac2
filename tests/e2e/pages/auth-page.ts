import type { Locator, Page } from "@playwright/test";

export interface SignUpDetails {
  name: string;
  email: string;
  password: string;
  /** Omitted when joining by invite (the form hides the field). */
  teamName?: string;
}

/** The /sign-in and /sign-up forms and the nav bar's user menu. */
export class AuthPage {
  readonly signInForm: Locator;
  readonly signUpForm: Locator;
  readonly signInError: Locator;
  readonly userMenu: Locator;
  readonly authLinks: Locator;

  constructor(readonly page: Page) {
    this.signInForm = page.getByTestId("sign-in-form");
    this.signUpForm = page.getByTestId("sign-up-form");
    this.signInError = page.getByTestId("sign-in-error");
    this.userMenu = page.getByTestId("user-menu");
    this.authLinks = page.getByTestId("auth-links");
  }

  async gotoSignIn(next?: string) {
    await this.page.goto(next ? `/sign-in?next=${encodeURIComponent(next)}` : "/sign-in");
    await this.signInForm.waitFor();
  }

  async gotoSignUp() {
    await this.page.goto("/sign-up");
    await this.signUpForm.waitFor();
  }

  async signUp(details: SignUpDetails) {
    const form = this.signUpForm;
    await form.getByLabel("Your name").fill(details.name);
    await form.getByLabel("Email").fill(details.email);
    await form.getByLabel("Password").fill(details.password);
    if (details.teamName !== undefined) await form.getByLabel(/Team name/).fill(details.teamName);
    await form.getByRole("button", { name: /Create account|Join team/ }).click();
  }

  async signIn(email: string, password: string) {
    await this.signInForm.getByLabel("Email").fill(email);
    await this.signInForm.getByLabel("Password").fill(password);
    await this.signInForm.getByRole("button", { name: "Sign in" }).click();
  }

  async signOut() {
    await this.userMenu.getByTestId("sign-out").click();
  }
}
