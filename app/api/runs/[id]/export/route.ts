import { z } from "zod";
import { parseSearchParams } from "@/lib/http/parse";
import { route } from "@/lib/http/route";
import { RUN_EXPORT_FORMATS, getRunDetail, runExportResponse } from "@/lib/runs";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const exportSchema = z.object({ format: z.enum(RUN_EXPORT_FORMATS).default("json") });

/** The run as a file: JSON (the API's run) or Markdown (a readable document). */
export const GET = route<{ id: string }>(
  { role: "member" },
  async ({ request, params, principal, prisma }) => {
    const { format } = parseSearchParams(request.url, exportSchema);
    const run = await getRunDetail(prisma, { teamId: principal.teamId, id: params.id });
    return runExportResponse(run, format);
  },
);
