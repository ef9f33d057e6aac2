import { assertWithinOutputLimit } from "@/lib/agents/output-limit";
import { auditContext, recordAudit } from "@/lib/audit";
import { warmSchema } from "@/lib/cache-admin/schemas";
import { parseJsonBody } from "@/lib/http/parse";
import { route } from "@/lib/http/route";
import type { ModelRequest } from "@/lib/llm/types";
import { getWarmJobs } from "@/lib/runtime";

export const runtime = "nodejs";

export const POST = route(
  { role: "admin", rateLimit: "runs" },
  async ({ request, principal, prisma }) => {
    const body = await parseJsonBody(request, warmSchema);
    body.requests?.forEach((r, i) =>
      assertWithinOutputLimit(r.model, r.max_tokens, `requests.${i}.max_tokens`),
    );
    const job = await (
      await getWarmJobs()
    ).start({
      teamId: principal.teamId,
      topN: body.topN,
      requests: body.requests as ModelRequest[] | undefined,
    });
    // Recorded once the job exists; it runs in the background. Counts only: the requests hold
    // prompts.
    await recordAudit(prisma, auditContext(request, principal), {
      action: "cache.warm",
      target: { kind: "warm-job", id: job.id, label: `${job.total} requests` },
      details: {
        topN: body.topN ?? null,
        requests: body.requests?.length ?? null,
        total: job.total,
      },
    });
    return Response.json({ job }, { status: 202 });
  },
);
