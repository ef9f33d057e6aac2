import type { Locator, Page } from "@playwright/test";

/** /audit: the team's audit log, its filters and its export links. */
export class AuditPage {
  readonly rows: Locator;
  readonly empty: Locator;
  readonly action: Locator;
  readonly actor: Locator;
  readonly target: Locator;
  readonly clear: Locator;
  readonly exportCsv: Locator;

  constructor(readonly page: Page) {
    this.rows = page.getByTestId("audit-row");
    this.empty = page.getByTestId("audit-empty");
    this.action = page.getByLabel("Action");
    this.actor = page.getByLabel("Actor");
    this.target = page.getByLabel("Target");
    this.clear = page.getByTestId("audit-filter-clear");
    this.exportCsv = page.getByTestId("audit-export-csv");
  }

  /** Opens the page the way a person does: from the navigation. */
  async openFromNav() {
    await this.page.goto("/");
    await this.page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Audit log" })
      .click();
    await this.page.waitForURL("**/audit");
  }

  row(action: string): Locator {
    return this.page.locator(`[data-testid="audit-row"][data-action="${action}"]`);
  }
}
