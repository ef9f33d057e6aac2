import { route } from "@/lib/http/route";
import { rerunRun } from "@/lib/runs";
import { getRunServices } from "@/lib/runtime";

export const runtime = "nodejs";

export const POST = route<{ id: string }>(
  { role: "member", rateLimit: "runs" },
  async ({ params, principal, prisma }) => {
    const run = await rerunRun({
      prisma,
      runtime: await getRunServices(),
      teamId: principal.teamId,
      userId: principal.kind === "user" ? principal.userId : undefined,
      runId: params.id,
    });
    return Response.json(run, { status: 201 });
  },
);
