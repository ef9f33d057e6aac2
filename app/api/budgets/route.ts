import { audited, auditContext } from "@/lib/audit";
import { createBudget, createBudgetSchema, listBudgets } from "@/lib/budgets";
import { getConfig } from "@/lib/config";
import { parseJsonBody } from "@/lib/http/parse";
import { route } from "@/lib/http/route";
import { getBudgets, getGatewayRequestLog } from "@/lib/runtime";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The team's budgets, each with what its current window spent (the recorded costs). */
export const GET = route({ role: "admin" }, async ({ principal, prisma }) => {
  // The log writes after the answer, batched: flush so the spent figures include the latest calls.
  await (await getGatewayRequestLog()).flush();
  const timeZone = getConfig().BUDGET_TIME_ZONE;
  return Response.json({
    budgets: await listBudgets(prisma, principal.teamId, timeZone),
    timeZone,
  });
});

export const POST = route({ role: "admin" }, async ({ request, principal, prisma }) => {
  const input = await parseJsonBody(request, createBudgetSchema);
  const budget = await audited(
    prisma,
    auditContext(request, principal),
    (tx) => createBudget(tx, principal.teamId, input),
    (b) => ({
      action: "budget.change",
      target: { kind: "budget", id: b.id, label: `${b.scope} ${b.period}` },
      details: {
        change: "create",
        scope: b.scope,
        targetId: b.targetId,
        period: b.period,
        from: null,
        to: { limitUsd: b.limitUsd, softLimitPercent: b.softLimitPercent },
      },
    }),
  );
  (await getBudgets()).forget(principal.teamId);
  const views = await listBudgets(prisma, principal.teamId, getConfig().BUDGET_TIME_ZONE);
  return Response.json({ budget: views.find((v) => v.id === budget.id) }, { status: 201 });
});
