import { parseJsonBody, parseSearchParams } from "@/lib/http/parse";
import { route } from "@/lib/http/route";
import { listRuns, listRunsSchema, startRun, startRunSchema } from "@/lib/runs";
import { getRunServices } from "@/lib/runtime";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route({ role: "member" }, async ({ request, principal, prisma }) => {
  const query = parseSearchParams(request.url, listRunsSchema);
  return Response.json(await listRuns(prisma, { teamId: principal.teamId, ...query }));
});

export const POST = route(
  { role: "member", rateLimit: "runs" },
  async ({ request, principal, prisma }) => {
    const input = await parseJsonBody(request, startRunSchema);
    const run = await startRun({
      prisma,
      runtime: await getRunServices(),
      teamId: principal.teamId,
      userId: principal.kind === "user" ? principal.userId : undefined,
      input,
    });
    return Response.json(run, { status: 201, headers: { location: `/api/runs/${run.id}` } });
  },
);
