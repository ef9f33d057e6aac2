import { expect, type Locator, type Page } from "@playwright/test";

export type CacheMode = "default" | "bypass" | "refresh";

/** The /runs page: the composer, the history and its chart. */
export class RunsPage {
  readonly composer: Locator;
  readonly history: Locator;
  readonly chart: Locator;
  readonly search: Locator;

  constructor(readonly page: Page) {
    this.composer = page.getByTestId("run-composer");
    this.history = page.getByTestId("run-history");
    this.chart = page.getByTestId("history-chart");
    this.search = page.getByTestId("history-search");
  }

  async goto() {
    await this.page.goto("/runs");
    await expect(this.composer).toBeVisible();
  }

  /** Composes and starts a run; returns its id once the live view opened. */
  async startRun(opts: {
    task: string;
    agents: string[];
    mode?: "parallel" | "chain" | "dag";
    cache?: CacheMode;
  }): Promise<string> {
    for (const name of opts.agents)
      await this.composer.getByTestId(`composer-agent-${name}`).check();
    await this.composer.getByTestId(`run-mode-${opts.mode ?? "parallel"}`).check({ force: true });
    await this.composer.getByTestId("run-task").fill(opts.task);
    if (opts.cache) await this.composer.getByTestId("run-cache-mode").selectOption(opts.cache);
    await this.composer.getByTestId("run-submit").click();
    await this.page.waitForURL(/\/runs\/[^/]+$/);
    return new URL(this.page.url()).pathname.split("/").pop() ?? "";
  }

  historyRows(): Locator {
    return this.page.getByTestId("history-row");
  }

  historyRow(runId: string): Locator {
    return this.page.locator(`[data-testid="history-row"][data-run-id="${runId}"]`);
  }
}

/** /runs/<id>: the live view of one run. */
export class RunView {
  readonly status: Locator;
  readonly cancel: Locator;
  readonly rerun: Locator;

  constructor(readonly page: Page) {
    this.status = page.getByTestId("run-status");
    this.cancel = page.getByTestId("run-cancel");
    this.rerun = page.getByTestId("run-rerun");
  }

  /** A step's panel, found by its agent's name (parallel and chain steps are keyed step-1, step-2…). */
  panel(agent: string): Locator {
    return this.page.locator(`[data-testid^="step-panel-"][data-agent="${agent}"]`);
  }

  output(agent: string): Locator {
    return this.panel(agent).locator('[data-testid^="step-output-"]');
  }

  cacheBadge(agent: string): Locator {
    return this.panel(agent).locator('[data-testid^="step-cache-"]');
  }

  async outputLength(agent: string): Promise<number> {
    return ((await this.output(agent).textContent()) ?? "").length;
  }
}
