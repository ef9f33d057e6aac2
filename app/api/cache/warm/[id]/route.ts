import { route } from "@/lib/http/route";
import { getWarmJobs } from "@/lib/runtime";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>({ role: "admin" }, async ({ params, principal }) =>
  Response.json({ job: await (await getWarmJobs()).get(principal.teamId, params.id) }),
);
