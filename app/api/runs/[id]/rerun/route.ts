import { parseJsonBody } from "@/lib/http/parse";
import { route } from "@/lib/http/route";
import { rerunRun, rerunRunSchema } from "@/lib/runs";
import { getRunServices } from "@/lib/runtime";

export const runtime = "nodejs";

/** Body optional: none (or `{}`) re-runs every step; `{"only":"failed"}` retries the failed ones. */
export const POST = route<{ id: string }>(
  { role: "member", rateLimit: "runs" },
  async ({ request, params, principal, prisma }) => {
    const input =
      request.body === null || request.headers.get("content-length") === "0"
        ? {}
        : await parseJsonBody(request, rerunRunSchema);
    const run = await rerunRun({
      prisma,
      runtime: await getRunServices(),
      teamId: principal.teamId,
      userId: principal.kind === "user" ? principal.userId : undefined,
      runId: params.id,
      input,
    });
    return Response.json(run, { status: 201, headers: { location: `/api/runs/${run.id}` } });
  },
);
