import { expect, type Locator, type Page } from "@playwright/test";

export interface AgentFormInput {
  name: string;
  model?: string;
  system?: string;
  temperature?: string;
  maxTokens?: string;
}

/** The /agents page: the agent list and the create/edit dialog. */
export class AgentsPage {
  readonly form: Locator;
  readonly list: Locator;

  constructor(readonly page: Page) {
    this.form = page.getByTestId("agent-form");
    this.list = page.getByTestId("agent-list");
  }

  async goto() {
    await this.page.goto("/agents");
    await expect(this.list).toBeVisible();
  }

  row(name: string): Locator {
    return this.page.getByTestId(`agent-row-${name}`);
  }

  fieldError(
    id: "agent-name" | "agent-model" | "agent-system" | "agent-temperature" | "agent-max-tokens",
  ): Locator {
    return this.form.getByTestId(`field-error-${id}`);
  }

  async openCreateForm() {
    await this.page.getByTestId("agent-new").click();
    await expect(this.form).toBeVisible();
  }

  async fill(input: AgentFormInput) {
    await this.form.getByLabel("Name", { exact: true }).fill(input.name);
    if (input.model !== undefined)
      await this.form.getByLabel("Model", { exact: true }).fill(input.model);
    if (input.system !== undefined) await this.form.getByLabel("System prompt").fill(input.system);
    if (input.temperature !== undefined)
      await this.form.getByLabel("Temperature").fill(input.temperature);
    if (input.maxTokens !== undefined)
      await this.form.getByLabel("Max output tokens").fill(input.maxTokens);
  }

  async submit() {
    await this.form.getByTestId("agent-form-submit").click();
  }
}
