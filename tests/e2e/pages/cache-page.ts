import type { Locator, Page } from "@playwright/test";

/** /cache: KPI cards, charts, the entries table and the purge/warm actions. */
export class CachePage {
  readonly hitRate: Locator;
  readonly hitsChart: Locator;
  readonly entriesTable: Locator;
  readonly entryRows: Locator;
  readonly emptyEntries: Locator;
  readonly forbidden: Locator;

  constructor(readonly page: Page) {
    this.hitRate = page.getByTestId("cache-kpi-hit-rate");
    this.hitsChart = page.getByTestId("cache-chart-hits");
    this.entriesTable = page.getByTestId("cache-entries-table");
    this.entryRows = page.getByTestId("cache-entry-row");
    this.emptyEntries = page.getByTestId("cache-entries-empty");
    this.forbidden = page.getByTestId("forbidden-message");
  }

  async goto() {
    await this.page.goto("/cache");
  }

  /** The hit rate as a fraction (0..1), read from the KPI card's data-value. */
  async hitRateValue(): Promise<number> {
    return Number(await this.hitRate.getAttribute("data-value"));
  }

  async purgeAll() {
    await this.page.getByTestId("cache-purge-all").click();
    await this.page.locator("dialog[open]").getByTestId("confirm-ok").click();
  }
}
