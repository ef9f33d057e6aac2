import { warmSchema } from "@/lib/cache-admin/schemas";
import { startWarmJob } from "@/lib/cache-admin/warm-jobs";
import { parseJsonBody } from "@/lib/http/parse";
import { route } from "@/lib/http/route";
import type { ModelRequest } from "@/lib/llm/types";
import { getRuntime } from "@/lib/runtime";

export const runtime = "nodejs";

export const POST = route({ role: "admin", rateLimit: "runs" }, async ({ request, principal }) => {
  const body = await parseJsonBody(request, warmSchema);
  const job = await startWarmJob({
    runtime: await getRuntime(),
    teamId: principal.teamId,
    topN: body.topN,
    requests: body.requests as ModelRequest[] | undefined,
  });
  return Response.json({ job }, { status: 202 });
});
