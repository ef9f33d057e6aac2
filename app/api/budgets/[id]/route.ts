import { audited, auditContext } from "@/lib/audit";
import { deleteBudget, listBudgets, updateBudget, updateBudgetSchema } from "@/lib/budgets";
import { getConfig } from "@/lib/config";
import { parseJsonBody } from "@/lib/http/parse";
import { route } from "@/lib/http/route";
import { getBudgets } from "@/lib/runtime";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const pick = (b: { limitUsd: number; softLimitPercent: number }) => ({
  limitUsd: b.limitUsd,
  softLimitPercent: b.softLimitPercent,
});

export const PATCH = route<{ id: string }>(
  { role: "admin" },
  async ({ request, params, principal, prisma }) => {
    const patch = await parseJsonBody(request, updateBudgetSchema);
    const { after } = await audited(
      prisma,
      auditContext(request, principal),
      (tx) => updateBudget(tx, principal.teamId, params.id, patch),
      ({ before, after }) => ({
        action: "budget.change",
        target: { kind: "budget", id: after.id, label: `${after.scope} ${after.period}` },
        details: { change: "update", scope: after.scope, from: pick(before), to: pick(after) },
      }),
    );
    (await getBudgets()).forget(principal.teamId);
    const views = await listBudgets(prisma, principal.teamId, getConfig().BUDGET_TIME_ZONE);
    return Response.json({ budget: views.find((v) => v.id === after.id) });
  },
);

export const DELETE = route<{ id: string }>(
  { role: "admin" },
  async ({ request, params, principal, prisma }) => {
    await audited(
      prisma,
      auditContext(request, principal),
      (tx) => deleteBudget(tx, principal.teamId, params.id),
      (b) => ({
        action: "budget.change",
        target: { kind: "budget", id: b.id, label: `${b.scope} ${b.period}` },
        details: { change: "delete", scope: b.scope, from: pick(b), to: null },
      }),
    );
    (await getBudgets()).forget(principal.teamId);
    return new Response(null, { status: 204 });
  },
);
