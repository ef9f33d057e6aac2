import { getWarmJob } from "@/lib/cache-admin/warm-jobs";
import { route } from "@/lib/http/route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>({ role: "admin" }, async ({ params, principal }) =>
  Response.json({ job: getWarmJob(principal.teamId, params.id) }),
);
