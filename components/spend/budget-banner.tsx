"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useHasRole } from "@/components/auth/use-me";
import type { BudgetView } from "@/lib/budgets/budget-view";
import { BUDGETS_KEY, getBudgets } from "@/lib/query/budgets";
import { formatUsd } from "@/lib/query/format";

const SCOPE = { team: "Team", key: "API key", agent: "Agent" } as const;
const PERIOD = { day: "daily", month: "monthly" } as const;

function describe(b: BudgetView): string {
  const who =
    b.scope === "team" ? "The team's" : `${SCOPE[b.scope]} ${b.targetLabel ?? b.targetId}:`;
  const used = `${formatUsd(b.spentUsd)} of ${formatUsd(b.limitUsd)}`;
  return b.state === "exceeded"
    ? `${who} ${PERIOD[b.period]} budget is used up (${used}); calls are refused until ${new Date(b.window.end).toLocaleString()}.`
    : `${who} ${PERIOD[b.period]} budget is at ${Math.floor((100 * b.spentUsd) / b.limitUsd)} % (${used}).`;
}

/**
 * Warns admins, on every page, of budgets past their soft threshold or used up in the current
 * window (members neither see it nor load the budgets, which they may not read).
 */
export function BudgetBanner() {
  const admin = useHasRole("admin");
  const onSpendPage = usePathname() === "/spend";
  const budgets = useQuery({
    queryKey: BUDGETS_KEY,
    queryFn: getBudgets,
    refetchInterval: 30_000,
    enabled: admin,
  });
  const warned = (budgets.data?.budgets ?? []).filter((b) => b.state !== "ok");
  if (warned.length === 0) return null;
  const exceeded = warned.some((b) => b.state === "exceeded");
  return (
    <div
      role="alert"
      data-testid="budget-banner"
      className={`mb-6 rounded-lg border p-3 text-sm ${exceeded ? "border-rose-200 bg-rose-50 text-rose-900" : "border-amber-200 bg-amber-50 text-amber-900"}`}
    >
      <p className="font-medium">
        {exceeded ? "A budget is used up" : "A budget is nearly used up"}
      </p>
      <ul className="mt-1 list-disc pl-5">
        {warned.map((b) => (
          <li key={b.id} data-testid={`budget-warning-${b.state}`}>
            {describe(b)}
          </li>
        ))}
      </ul>
      {onSpendPage ? null : (
        <Link href="/spend" className="mt-1 inline-block font-medium underline">
          See spend and budgets
        </Link>
      )}
    </div>
  );
}
