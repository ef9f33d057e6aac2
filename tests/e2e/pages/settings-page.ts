import type { Locator, Page } from "@playwright/test";

/** /settings: members, invites, API keys and the connect panel. */
export class SettingsPage {
  readonly membersTable: Locator;
  readonly apiKeySecret: Locator;
  readonly inviteLink: Locator;
  readonly connectSnippet: Locator;

  constructor(readonly page: Page) {
    this.membersTable = page.getByTestId("members-table");
    this.apiKeySecret = page.getByTestId("api-key-secret");
    this.inviteLink = page.getByTestId("invite-link");
    this.connectSnippet = page.getByTestId("connect-snippet");
  }

  async goto() {
    await this.page.goto("/settings");
    await this.membersTable.waitFor();
  }

  apiKeyRow(name: string): Locator {
    return this.page.getByTestId(`api-key-row-${name}`);
  }

  /** Creates a key and returns the secret the page shows once. */
  async createApiKey(name: string, role: "member" | "admin" | "owner" = "member"): Promise<string> {
    await this.page.getByLabel("Name", { exact: true }).fill(name);
    await this.page.getByTestId("api-key-role").selectOption(role);
    await this.page.getByTestId("api-key-create").click();
    await this.apiKeySecret.waitFor();
    return (await this.apiKeySecret.textContent())?.trim() ?? "";
  }

  async revokeApiKey(name: string) {
    await this.page.getByTestId(`api-key-revoke-${name}`).click();
    await this.confirm();
  }

  /** Creates an invite and returns the link the page shows. */
  async createInvite(role: "member" | "admin" | "owner" = "member"): Promise<string> {
    await this.page.getByTestId("invite-role").selectOption(role);
    await this.page.getByTestId("invite-create").click();
    await this.inviteLink.waitFor();
    return this.inviteLink.inputValue();
  }

  /** Presses the confirm button of the open confirmation dialog. */
  async confirm() {
    await this.page.locator("dialog[open]").getByTestId("confirm-ok").click();
  }
}
