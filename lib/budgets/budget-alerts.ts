import "server-only";
import type { PrismaClient } from "@/lib/db";
import type { Logger } from "@/lib/log";
import type { BudgetRule } from "./budget-rules";
import type { BudgetWindow } from "./windows";

export type AlertLevel = "soft" | "hard";

/** The JSON body POSTed to BUDGET_WEBHOOK_URL. */
export interface BudgetWebhookEvent {
  type: "budget.threshold";
  level: AlertLevel;
  /** 80 (or the budget's soft percent) for soft, 100 for hard. */
  percent: number;
  budget: Omit<BudgetRule, "softLimitPercent"> & { softLimitPercent: number };
  window: { key: string; start: string; end: string; timeZone: string };
  spentUsd: number;
  at: string;
}

/**
 * Sends each threshold event once per budget window across every instance: the row in
 * BudgetAlert is the claim (its key is budget, window, level), so only the instance that inserts
 * it sends. A local set spares the database a write per call once an event is known to be sent.
 */
export function createBudgetAlerts(args: {
  prisma: PrismaClient;
  webhookUrl: string | undefined;
  timeZone: string;
  log: Logger;
}) {
  const sent = new Set<string>();
  const pending = new Set<Promise<void>>();

  async function claimAndSend(
    rule: BudgetRule,
    window: BudgetWindow,
    level: AlertLevel,
    spentUsd: number,
  ): Promise<void> {
    const { count } = await args.prisma.budgetAlert.createMany({
      data: [{ budgetId: rule.id, window: window.key, level, spentUsd }],
      skipDuplicates: true,
    });
    if (count === 0 || !args.webhookUrl) return;
    const event: BudgetWebhookEvent = {
      type: "budget.threshold",
      level,
      percent: level === "hard" ? 100 : rule.softLimitPercent,
      budget: { ...rule },
      window: {
        key: window.key,
        start: window.start.toISOString(),
        end: window.end.toISOString(),
        timeZone: args.timeZone,
      },
      spentUsd,
      at: new Date().toISOString(),
    };
    const response = await fetch(args.webhookUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) args.log.warn(`budget webhook answered ${response.status}`);
  }

  return {
    /** Notes `spentUsd` of a budget's window; sends the events it crossed, once each. */
    observe(rule: BudgetRule, window: BudgetWindow, spentUsd: number): void {
      const levels: AlertLevel[] = [];
      if (spentUsd >= (rule.limitUsd * rule.softLimitPercent) / 100) levels.push("soft");
      if (spentUsd >= rule.limitUsd) levels.push("hard");
      for (const level of levels) {
        const id = `${rule.id}:${window.key}:${level}`;
        if (sent.has(id)) continue;
        sent.add(id);
        const work = claimAndSend(rule, window, level, spentUsd)
          .catch((e: unknown) => {
            sent.delete(id);
            args.log.warn(`budget alert ${level} for ${rule.id} failed: ${(e as Error).message}`);
          })
          .finally(() => pending.delete(work));
        pending.add(work);
      }
    },
    /** Resolves when the events in flight are sent (tests, shutdown). */
    async idle(): Promise<void> {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}

export type BudgetAlerts = ReturnType<typeof createBudgetAlerts>;
