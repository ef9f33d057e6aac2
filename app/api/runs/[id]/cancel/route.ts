import { route } from "@/lib/http/route";
import { cancelRun } from "@/lib/runs";
import { getRunServices } from "@/lib/runtime";

export const runtime = "nodejs";

export const POST = route<{ id: string }>(
  { role: "member" },
  async ({ params, principal, prisma }) =>
    Response.json(
      await cancelRun({
        prisma,
        runtime: await getRunServices(),
        teamId: principal.teamId,
        runId: params.id,
      }),
      { status: 202 },
    ),
);
